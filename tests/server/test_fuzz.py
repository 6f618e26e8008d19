"""A seeded fuzz of malformed requests against the real server: no 5xx, and the server healthy afterwards.

Each request is drawn from one seeded generator: random query text (SPARQL tokens in random order, mutated
example queries, random bytes), random methods, paths, page numbers, headers, content types, charsets and
bodies, sent over HTTP with httpx and, for what httpx refuses to send (bad request lines, broken headers,
bytes that are not text), as raw bytes on a socket. Bounded in count and in time; loopback only.
"""

from __future__ import annotations

import random
import socket
import string
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
import pytest
from tests.support.servers import RunningServer, running_server

from mitigraph.settings import Settings

SEED = 20_260_901
REQUESTS = 1_200
RAW_SHARE = 0.2
"""The share of requests sent as raw bytes on a socket rather than through httpx."""
TIME_LIMIT = 240.0
"""Seconds the whole fuzz may take; it fails, naming how far it got, if the server is that slow."""
CLIENT_TIMEOUT = 30.0

TOKENS = (
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "*",
    "?s",
    "?p",
    "?o",
    "$x",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "BIND",
    "AS",
    "VALUES",
    "LIMIT",
    "OFFSET",
    "ORDER",
    "BY",
    "GROUP",
    "HAVING",
    "COUNT",
    "DISTINCT",
    "REGEX",
    "STR",
    "LANG",
    "<http://example.org/f>",
    "<https://w3id.org/mitigraph/ontology#Mitigation>",
    "a",
    "rdf:type",
    "PREFIX",
    "mg:",
    "<https://w3id.org/mitigraph/ontology#>",
    "BASE",
    "<>",
    "<not an iri>",
    "'x'",
    '"y"@en',
    '"""z"""',
    "'\\u0000'",
    "1",
    "-1",
    "99999999999999999999999999",
    "1e400",
    "0.5",
    "true",
    "SERVICE",
    "FROM",
    "NAMED",
    "LOAD",
    "INSERT",
    "DATA",
    "DELETE",
    "CLEAR",
    "DROP",
    "#",
    "\n",
    "^^",
    "xsd:integer",
    "<http://example.org/f>(1)",
    "IRI('a b')",
    "STRDT('1', <x:y>)",
    "EXISTS",
    "NOT",
    "\\u0053ERVICE",
    "+",
    "/",
    "|",
    "^",
    "!",
    "&&",
    "||",
    "=",
    "!=",
    "<",
    ">",
    "IN",
    "é",
    "☃",
    "\x00",
)
EXAMPLES = (
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s a <https://w3id.org/mitigraph/ontology#Mitigation> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/mitigraph/id/category/1>",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c WHERE { ?c skos:notation '1.1' }",
)
FUNCTIONS = (
    "STR",
    "LANG",
    "IRI",
    "BNODE",
    "STRDT",
    "STRLANG",
    "REGEX",
    "REPLACE",
    "SUBSTR",
    "ABS",
    "CEIL",
    "CONCAT",
    "COALESCE",
    "IF",
    "SHA512",
    "NOW",
    "YEAR",
    "ENCODE_FOR_URI",
    "LANGMATCHES",
    "xsd:integer",
    "xsd:dateTime",
    "xsd:nothing",
    "mg:nothing",
    "<http://example.org/f>",
    "<>",
)
ARGUMENTS = ("1", "'a'", "'a b'", "?s", "<x:y>", "'('", "'1'^^xsd:integer", "'x'@en", "-0.0", "1e308", "''")
ENGINE_CALL = (
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX mg: <https://w3id.org/mitigraph/ontology#> "
    "SELECT ({call} AS ?x) WHERE {{ ?s ?p ?o }} LIMIT 2"
)
"""A valid query around a function call: what the engine itself refuses must be a 4xx too."""
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "MKCOL")
PATHS = (
    "/sparql",
    "/sparql/",
    "/health",
    "/",
    "/coverage",
    "/queries",
    "/search",
    "/ontology",
    "/shapes",
    "/context.jsonld",
    "/.well-known/void",
    "/download/mitigraph.ttl",
    "/download/",
    "/id/",
    "/id/category/1",
    "/id/category/1.1",
    "/static/yasgui/yasgui.min.js",
    "/static/mitigraph.css",
    "/static/",
    "//",
    "/sparql/../health",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/id/%00",
    "/id/..%2f..%2fsettings",
    "/docs",
    "/openapi.json",
)
CONTENT_TYPES = (
    "application/sparql-query",
    "APPLICATION/SPARQL-QUERY",
    "application/sparql-update",
    "Application/SPARQL-Update",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/json",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "application/sparql-query; charset=utf-16",
    "application/sparql-query; charset=rot13",
    "application/sparql-query; charset=UTF-8",
    "application/sparql-query; charset=",
    "application/x-www-form-urlencoded; charset=latin-1",
    ";;;",
    "",
    "*/*",
    "application/sparql-query; a=b; a=c",
    'application/sparql-query; charset="utf-8',
)
ACCEPTS = (
    "*/*",
    "text/html",
    "application/sparql-results+json",
    "text/csv;q=0",
    "image/png",
    ";q=x",
    "",
    "text/*, application/*;q=0.5",
    "application/ld+json;profile=x",
    "text/turtle;q=1.5",
    "q=0.1",
    ",,,",
    "application/sparql-results+xml, text/html;q=0.9",
    "*/*;q=-1",
    "text/html;level=1;q=0.7",
)
PAGES = ("²", "٣", "0", "-1", "1", "20", "21", "99999999999999999999", "abc", "", "1.5", "0x10", " 1", "1 ")
RAW_REQUESTS = (
    b"\x00\x01\x02\x03\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    b"GET /sparql?query=%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sparql?query=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Bad\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nAccept: \xff\xfe\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n X-Folded: y\r\n\r\n",
    b"GET /sparql HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    b"GET /sparql HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET http://127.0.0.2/sparql HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sparql HTTP/1.0\r\n\r\n",
)


@dataclass
class Outcome:
    """What the fuzz saw: statuses by count, and the first request that got each 5xx."""

    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)

    def record(self, status: int, request: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500:
            self.server_errors.append(f"{status} for {request[:300]}")


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The default shape with short times: whatever the fuzz sends, nothing runs or waits long."""
    options = ("--query-timeout=5", "--header-timeout=2", "--keep-alive-timeout=1", "--body-timeout=2")
    with running_server(*options, log_dir=tmp_path_factory.mktemp("fuzzed")) as server:
        yield server


def query_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        arguments = ", ".join(rng.choice(ARGUMENTS) for _ in range(rng.randint(0, 3)))
        return ENGINE_CALL.format(call=f"{rng.choice(FUNCTIONS)}({arguments})")
    if kind < 0.5:
        return " ".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 40)))
    if kind < 0.85:
        text = list(rng.choice(EXAMPLES))
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(text) + 1)
            if rng.random() < 0.5 and text:
                del text[min(position, len(text) - 1)]
            else:
                text.insert(position, rng.choice(string.printable + "{}()<>?é\u0000"))
        return "".join(text)
    return "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 200)))


def header_value(rng: random.Random) -> str:
    return "".join(
        rng.choice(string.ascii_letters + string.digits + " ;,=/*-.\"'") for _ in range(rng.randint(0, 60))
    )


def random_headers(rng: random.Random) -> dict[str, str]:
    headers: dict[str, str] = {}
    if rng.random() < 0.7:
        headers["Accept"] = rng.choice(ACCEPTS)
    if rng.random() < 0.2:
        headers["Origin"] = rng.choice(("https://a.example", "null", header_value(rng)))
    if rng.random() < 0.1:
        headers["Access-Control-Request-Method"] = rng.choice(METHODS)
    if rng.random() < 0.15:
        headers["X-Forwarded-For"] = rng.choice(("1.2.3.4", "::1, x", header_value(rng)))
    if rng.random() < 0.1:
        headers["Accept-Encoding"] = rng.choice(("gzip", "br;q=2", header_value(rng)))
    if rng.random() < 0.1:
        headers["If-None-Match"] = header_value(rng)
    if rng.random() < 0.1:
        headers["Range"] = rng.choice(("bytes=0-10", "bytes=-5", "bytes=9-1", "bytes=x", header_value(rng)))
    if rng.random() < 0.1:
        headers[f"X-{rng.randint(0, 99)}"] = header_value(rng)
    return headers


def body(rng: random.Random) -> bytes:
    kind = rng.random()
    if kind < 0.4:
        return query_text(rng).encode("utf-8", errors="replace")
    if kind < 0.7:
        fields = [
            (rng.choice(("query", "update", "default-graph-uri", "x", "query")), query_text(rng))
            for _ in range(rng.randint(0, 4))
        ]
        return "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in fields).encode()
    if kind < 0.85:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 300)))
    return rng.choice((b"", b"%", b"query=%FF", b"query=" + b"%41" * 1000, b"&&&=&=", b"query"))


def http_request(rng: random.Random) -> tuple[str, str, dict[str, object]]:
    """Method, URL and httpx options of one request."""
    kind = rng.random()
    headers = random_headers(rng)
    if kind < 0.35:
        return "GET", "/sparql", {"params": {"query": query_text(rng)}, "headers": headers}
    if kind < 0.6:
        headers["Content-Type"] = rng.choice(CONTENT_TYPES)
        return "POST", rng.choice(("/sparql", "/sparql/")), {"content": body(rng), "headers": headers}
    if kind < 0.75:
        path = rng.choice(("/id/category/1", "/id/category/1.1", "/search"))
        params = {"page": rng.choice((*PAGES, header_value(rng)))}
        if path == "/search":
            params["q"] = query_text(rng)[:50]
        if rng.random() < 0.3:
            params["format"] = rng.choice(("ttl", "html", "xml", "", header_value(rng)))
        return "GET", path, {"params": params, "headers": headers}
    path = rng.choice(PATHS)
    if rng.random() < 0.3:
        path += quote(query_text(rng)[:40], safe="/%")
    return (
        rng.choice(METHODS),
        path,
        {"headers": headers, "content": body(rng) if rng.random() < 0.3 else b""},
    )


def raw_request(rng: random.Random) -> bytes:
    if rng.random() < 0.6:
        return rng.choice(RAW_REQUESTS)
    method = rng.choice((*METHODS, "G\x00T", "get", "GETT", "\xff"))
    target = rng.choice(("/", "/sparql?query=" + quote(query_text(rng)[:40]), "*", "", "/id/\x7f", "/ x"))
    line = f"{method} {target} HTTP/1.1\r\nHost: x\r\n".encode("latin-1", errors="replace")
    garbage = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 40)))
    return line + garbage + b"\r\n\r\n"


def send_raw(server: RunningServer, data: bytes) -> int | None:
    """Send `data` on a fresh connection; the status of the answer, or None if the server just closed."""
    host, port = server.url.removeprefix("http://").split(":")
    with closing(socket.create_connection((host, int(port)), timeout=CLIENT_TIMEOUT)) as connection:
        try:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            return None
        answer = b""
        while len(answer) < 64:
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
    if not answer.startswith(b"HTTP/1."):
        return None
    return int(answer[9:12])


def test_a_thousand_malformed_requests_get_no_5xx_and_leave_the_server_healthy(fuzzed: RunningServer) -> None:
    rng = random.Random(SEED)
    outcome = Outcome()
    deadline = time.monotonic() + TIME_LIMIT
    with httpx.Client(base_url=fuzzed.url, timeout=CLIENT_TIMEOUT) as client:
        for sent in range(REQUESTS):
            assert time.monotonic() < deadline, f"only {sent} requests within {TIME_LIMIT} s: {outcome}"
            if rng.random() < RAW_SHARE:
                data = raw_request(rng)
                status = send_raw(fuzzed, data)
                if status is not None:
                    outcome.record(status, repr(data))
                continue
            method, path, options = http_request(rng)
            try:
                response = client.request(method, path, **options)  # type: ignore[arg-type]
            except httpx.LocalProtocolError:
                continue
            outcome.record(response.status_code, f"{method} {path} {options!r}")
        health = client.get("/health")
    assert not outcome.server_errors, "\n".join(outcome.server_errors[:10])
    assert sum(outcome.statuses.values()) >= 1000, outcome.statuses
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["query_processes"]["alive"] == Settings().query_workers
