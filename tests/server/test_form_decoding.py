"""A protocol request's parameters: a query string read as Starlette reads it, every example query back
from its form, and the form limits."""

from __future__ import annotations

import random

import httpx
import pytest
from starlette.datastructures import QueryParams
from starlette.requests import Request

from mitigraph.examples import example_queries
from mitigraph.web.sparql_request import (
    MAX_FORM_FIELDS,
    ProtocolError,
    SparqlRequest,
    _url_parameters,
    request_from_post,
)

ESCAPED = ["%41", "%e9", "%C3%A9", "%c3", "%a9", "%FF", "%3D", "%3d", "%25", "%26", "%2B", "%0a", "%0D%0A"]
RAW = [*"&&==++;ab0F9fG \n\r\t\x00", "=3D", "=\n", "=="]
BROKEN = ["%", "%4", "%G1", "%%41", "%\r\n", "é", "%é9"]
"""Escapes, raw characters and broken escapes a query string may hold."""


def url_parameters(raw: bytes) -> dict[str, list[str]]:
    scope = {"type": "http", "method": "GET", "query_string": raw, "headers": []}
    return _url_parameters(Request(scope))


def test_a_query_string_decodes_as_starlette_reads_it() -> None:
    """Starlette reads the raw query string as Latin-1 before decoding its escapes as UTF-8."""
    units = [unit.encode("utf-8") for unit in ESCAPED + RAW + BROKEN] + [b"\xe9", b"\xff", b"\xc3\xa9"]
    chooser = random.Random(3)
    for _ in range(10_000):
        raw = b"".join(chooser.choice(units) for _ in range(chooser.randint(0, 12)))
        expected: dict[str, list[str]] = {}
        for name, value in QueryParams(raw).multi_items():
            expected.setdefault(name, []).append(value)
        assert url_parameters(raw) == expected, raw


def test_every_example_query_comes_back_from_its_form() -> None:
    for example in example_queries():
        form = str(httpx.QueryParams({"query": example.query, "format": "json"})).encode()
        assert form_post(form).queries == (example.query,)


def form_post(body: bytes) -> SparqlRequest:
    scope = {
        "type": "http",
        "method": "POST",
        "query_string": b"",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
    }
    return request_from_post(Request(scope), body)


def test_a_form_may_have_at_most_the_named_number_of_fields() -> None:
    most = "&".join(["a=1"] * MAX_FORM_FIELDS).encode()
    assert form_post(most).queries == ()
    with pytest.raises(ProtocolError) as refused:
        form_post(most + b"&")
    assert refused.value.status == 400
    assert f"more than {MAX_FORM_FIELDS} fields" in refused.value.message
