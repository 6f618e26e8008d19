"""Reading a SPARQL 1.1 Protocol request: where its query is (URL, form or body), in which charset, how large.

Media types and their parameters are read case-insensitively (RFC 9110 8.3.1); a body is UTF-8 (a declared
charset must say so, else 415); the body is read without blocking and no further than a query can need.
Everything a request can be refused for here is a ProtocolError, which mitigraph.web.errors writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from starlette.requests import ClientDisconnect
from werkzeug.http import parse_options_header

from mitigraph.settings import Settings

DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")
MAX_FORM_FIELDS = 32
FORMAT_PARAMETER = "format"
PROTOCOL_HEADERS = {"Vary": "Accept"}
QUERY_CHARSET = "utf-8"
"""The only charset a query body may declare (SPARQL 1.1 Protocol 2.1.3: the body is UTF-8)."""
URL_CHARSET = "latin-1"
"""How a URL's query string is read into text before its escapes are decoded (as Starlette reads it)."""


class ProtocolError(Exception):
    """A request the endpoint answers with an error status and a message meant for the user.

    mitigraph.web.errors writes it in the one error format of the server (HTML or plain text).
    """

    def __init__(
        self, status: int, message: str, *, retry_after: int | None = None, allow: Sequence[str] = ()
    ) -> None:
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.allow = tuple(allow)
        super().__init__(message)

    @property
    def headers(self) -> dict[str, str]:
        headers = dict(PROTOCOL_HEADERS)
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.allow:
            headers["Allow"] = ", ".join(self.allow)
        return headers


@dataclass(frozen=True)
class SparqlRequest:
    """What a protocol request asks, whichever way it came (URL, form or body)."""

    queries: tuple[str, ...]
    update: bool
    dataset_parameters: tuple[str, ...]
    formats: tuple[str, ...] = ()
    """The `format` parameters given (a format's name, alias or media type; see mitigraph.web.sparql)."""

    @classmethod
    def from_parameters(
        cls, parameters: Mapping[str, Sequence[str]], *, body_query: str | None = None
    ) -> SparqlRequest:
        queries = tuple(parameters.get("query", ()))
        if body_query is not None:
            queries = (*queries, body_query)
        return cls(
            queries=queries,
            update="update" in parameters,
            dataset_parameters=tuple(name for name in DATASET_PARAMETERS if name in parameters),
            formats=tuple(parameters.get(FORMAT_PARAMETER, ())),
        )


def request_from_url(request: Request) -> SparqlRequest:
    return SparqlRequest.from_parameters(_url_parameters(request))


def request_from_post(request: Request, body: bytes) -> SparqlRequest:
    url_parameters = _url_parameters(request)
    if not body:
        return SparqlRequest.from_parameters(url_parameters)
    media_type, options = parse_options_header(request.headers.get("content-type"))
    media_type = media_type.lower()
    if media_type == "application/sparql-update":
        raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if media_type == "application/sparql-query":
        _require_utf8(options.get("charset"), media_type=media_type)
        text = _decode(body, what="the query")
        return SparqlRequest.from_parameters(url_parameters, body_query=text)
    if media_type == "application/x-www-form-urlencoded":
        _require_utf8(options.get("charset"), media_type=media_type)
        return SparqlRequest.from_parameters({**url_parameters, **_form(body)})
    raise ProtocolError(
        415,
        f"cannot read a body of type {media_type or '(none)'}; send the query as application/sparql-query "
        "or as the `query` field of application/x-www-form-urlencoded",
    )


def _require_utf8(charset: str | None, *, media_type: str) -> None:
    """A body is read as UTF-8: a declared charset must say so (case-insensitively), or the body is 415."""
    if charset is not None and charset.strip().lower() != QUERY_CHARSET:
        raise ProtocolError(
            415,
            f"cannot read {media_type} in charset {charset[:40]!r}; send it as UTF-8 "
            "(charset=utf-8, or no charset)",
        )


def _form(body: bytes) -> dict[str, list[str]]:
    text = _decode(body, what="the form")
    if text and 1 + text.count("&") > MAX_FORM_FIELDS:
        raise ProtocolError(400, f"the form has more than {MAX_FORM_FIELDS} fields")
    return parse_qs(text, keep_blank_values=True)


def _url_parameters(request: Request) -> dict[str, list[str]]:
    query_string: bytes = request.scope["query_string"]
    return parse_qs(query_string.decode(URL_CHARSET), keep_blank_values=True) if query_string else {}


def _decode(body: bytes, *, what: str) -> str:
    try:
        return body.decode(QUERY_CHARSET)
    except UnicodeDecodeError as error:
        raise ProtocolError(
            400, f"{what} is not valid {QUERY_CHARSET} text (at byte {error.start})"
        ) from error


def body_limit(settings: Settings) -> int:
    """Bytes of request body read at most: a form may percent-encode each byte of the query as three."""
    return 3 * settings.max_query_bytes + 4096


def body_reader(*, limit: int) -> Callable[[Request], Any]:
    async def read_body(request: Request) -> bytes:
        """Read the body without blocking, and stop reading as soon as it is too large to be a query."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise ProtocolError(
                413, f"the request body is {declared} bytes; this endpoint accepts at most {limit}"
            )
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ProtocolError(413, f"the request body is larger than {limit} bytes")
                chunks.append(chunk)
        except ClientDisconnect as error:
            raise ProtocolError(
                408, "the request body did not arrive in time (or the client went away)"
            ) from error
        return b"".join(chunks)

    return read_body
