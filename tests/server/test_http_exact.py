"""Exact HTTP over the real server: HEAD, 405 with Allow, CORS, media types, page numbers, error format."""

from __future__ import annotations

import httpx
import pytest

ASK = "ASK { ?s ?p ?o }"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
ORIGIN = "https://yasgui.example"
CATEGORY = "/id/category/1"
"""A category page: it lists its mitigations a page at a time (`?page=`)."""


# ---------------------------------------------------------------- HEAD wherever GET is served


@pytest.mark.parametrize(
    "path",
    [
        "/sparql",
        "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
        "/health",
        "/",
        "/coverage",
        "/id/category/1",
        "/download/mitigraph.ttl",
        "/context.jsonld",
        "/static/yasgui/yasgui.min.js",
        "/static/mitigraph.css",
    ],
)
def test_head_answers_like_get_without_a_body(http: httpx.Client, path: str) -> None:
    got = http.get(path)
    head = http.head(path)
    assert got.status_code == 200, got.text
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    if "content-length" in got.headers and "content-length" in head.headers:
        assert head.headers["content-length"] == got.headers["content-length"]


# ---------------------------------------------------------------- 405 with Allow


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/sparql", "/sparql/"])
def test_other_methods_on_sparql_are_405_naming_the_allowed(
    http: httpx.Client, method: str, path: str
) -> None:
    response = http.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert response.headers["content-type"].startswith("text/plain")
    assert f"{method} is not allowed" in response.text


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/health", "GET, HEAD"),
        ("/coverage", "GET, HEAD"),
        ("/id/category/1", "GET, HEAD"),
        ("/download/mitigraph.ttl", "GET, HEAD"),
        ("/context.jsonld", "GET, HEAD"),
        ("/static/yasgui/yasgui.min.js", "GET, HEAD"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
def test_other_methods_elsewhere_are_405_naming_the_allowed(
    http: httpx.Client, path: str, allow: str, method: str
) -> None:
    response = http.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert "detail" not in response.text


# ---------------------------------------------------------------- CORS for the read-only resources


@pytest.mark.parametrize(
    "path", ["/sparql?query=ASK%20%7B%7D", "/id/category/1", "/download/mitigraph.ttl", "/context.jsonld"]
)
def test_read_only_resources_may_be_read_from_any_origin(http: httpx.Client, path: str) -> None:
    response = http.get(path, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_refusal_is_readable_by_a_browser_app_too(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT"}, headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Retry-After" in response.headers["access-control-expose-headers"]


@pytest.mark.parametrize("path", ["/", "/coverage", "/search?q=data", "/health"])
def test_pages_and_health_send_no_cors_headers(http: httpx.Client, path: str) -> None:
    response = http.get(path, headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("path", "method", "methods"),
    [
        ("/sparql", "POST", "GET, HEAD, POST"),
        ("/sparql", "GET", "GET, HEAD, POST"),
        ("/id/category/1", "GET", "GET, HEAD"),
        ("/download/mitigraph.ttl", "GET", "GET, HEAD"),
        ("/context.jsonld", "GET", "GET, HEAD"),
    ],
)
def test_preflight_is_answered_with_methods_and_headers(
    http: httpx.Client, path: str, method: str, methods: str
) -> None:
    response = http.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "accept, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == methods
    allowed_headers = {
        name.strip().lower() for name in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"accept", "content-type"} <= allowed_headers


def test_a_preflight_for_a_method_that_is_not_served_is_refused(http: httpx.Client) -> None:
    response = http.options("/sparql", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert response.status_code == 400
    assert "PUT" not in response.headers.get("access-control-allow-methods", "")


def test_a_form_post_from_a_browser_app_on_another_origin(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"query": ASK}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["boolean"] is True


# ---------------------------------------------------------------- media types and charsets (RFC 9110)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/sparql-query",
        "Application/SPARQL-Query",
        "APPLICATION/SPARQL-QUERY; Charset=UTF-8",
        "application/sparql-query; charset=utf-8",
        'application/sparql-query; charset="UTF-8"',
    ],
)
def test_query_media_type_and_charset_are_case_insensitive(http: httpx.Client, content_type: str) -> None:
    response = http.post("/sparql", content=ASK, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    "content_type", ["Application/SPARQL-Update", "APPLICATION/SPARQL-UPDATE; charset=utf-8"]
)
def test_an_update_in_any_case_is_403(http: httpx.Client, content_type: str) -> None:
    response = http.post(
        "/sparql", content="INSERT DATA { <a:a> <a:b> <a:c> }", headers={"Content-Type": content_type}
    )
    assert response.status_code == 403
    assert "read-only" in response.text


def test_a_form_in_any_case_is_read(http: httpx.Client) -> None:
    response = http.post(
        "/sparql",
        content=str(httpx.QueryParams({"query": ASK})),
        headers={"Content-Type": "Application/X-WWW-Form-Urlencoded; Charset=UTF-8"},
    )
    assert response.status_code == 200
    assert response.json()["boolean"] is True


@pytest.mark.parametrize("charset", ["latin-1", "iso-8859-1", "utf-16", "rot13", "base64", "idna", "utf8x"])
@pytest.mark.parametrize("media_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_only_utf8_is_accepted_as_a_charset(http: httpx.Client, media_type: str, charset: str) -> None:
    response = http.post(
        "/sparql", content="query=ASK%7B%7D", headers={"Content-Type": f"{media_type}; charset={charset}"}
    )
    assert response.status_code == 415
    assert "UTF-8" in response.text
    assert repr(charset) in response.text


# ---------------------------------------------------------------- query-string numbers


@pytest.mark.parametrize(
    "page", ["²", "٣", "0", "-1", "+1", "1.0", "1e3", "99999999999999999999", "abc", "", " 1", "21"]
)
def test_a_page_number_that_is_not_one_is_400_naming_the_parameter(http: httpx.Client, page: str) -> None:
    response = http.get(CATEGORY, params={"page": page})
    assert response.status_code == 400
    assert "?page=" in response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_a_page_number_error_is_a_page_for_a_browser(http: httpx.Client) -> None:
    response = http.get(CATEGORY, params={"page": "²"}, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "Bad request" in response.text
    assert "?page=" in response.text


@pytest.mark.parametrize("page", ["1", "01"])
def test_a_page_number_is_read(http: httpx.Client, page: str) -> None:
    assert http.get(CATEGORY, params={"page": page}).status_code == 200


# ---------------------------------------------------------------- one error format


ERRORS = [
    # (method, path, request options, status)
    ("GET", "/no/such/page", {}, 404),
    ("GET", "/static/yasgui/no-such-file.js", {}, 404),
    ("GET", "/id/category/42.42", {}, 404),
    ("GET", "/download/mitigraph.xlsx", {}, 404),
    ("PUT", "/sparql", {}, 405),
    ("DELETE", "/coverage", {}, 405),
    ("POST", "/static/yasgui/yasgui.min.js", {}, 405),
    ("GET", "/sparql", {"params": {"query": "SELECT"}}, 400),
    ("GET", "/sparql", {"params": {"query": ASK}, "headers": {"Accept": "image/png"}}, 406),
    (
        "POST",
        "/sparql",
        {"content": "x" * 300_000, "headers": {"Content-Type": "application/sparql-query"}},
        413,
    ),
    ("POST", "/sparql", {"content": ASK, "headers": {"Content-Type": "text/plain"}}, 415),
    ("GET", CATEGORY, {"params": {"page": "x"}}, 400),
]


@pytest.mark.parametrize(("method", "path", "options", "status"), ERRORS)
def test_errors_are_plain_text_for_programs(
    http: httpx.Client, method: str, path: str, options: dict[str, object], status: int
) -> None:
    response = http.request(method, path, **options)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "detail" not in response.text
    assert not response.text.startswith(("{", "<"))
    assert "Accept" in response.headers["vary"]


BROWSER_ERRORS = [
    *(case for case in ERRORS if case[3] != 406),
    ("GET", "/sparql", {"params": {"query": ASK}, "headers": {"Accept": "image/png, text/html;q=0.5"}}, 406),
]


@pytest.mark.parametrize(("method", "path", "options", "status"), BROWSER_ERRORS)
def test_errors_are_pages_for_browsers(
    http: httpx.Client, method: str, path: str, options: dict[str, object], status: int
) -> None:
    headers: dict[str, str] = {"Accept": BROWSER_ACCEPT, **options.get("headers", {})}  # type: ignore[dict-item]
    response = http.request(method, path, **{**options, "headers": headers})  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>" in response.text
    assert f"HTTP {status}" in response.text
