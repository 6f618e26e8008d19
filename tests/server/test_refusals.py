"""A public read-only endpoint refuses updates, anything that reads a URL or a file, and nesting too deep
for the engine, before a query process sees the query; the refusal reads any text in linear time."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx
import pytest
from tests.support.listening import Listener
from tests.support.servers import RunningServer

from mitigraph.query_guard import refusal_for

COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PLANTED = "ASK { <urn:x:planted> ?p ?o }"
UPDATES = [
    "INSERT DATA { <urn:x:planted> <urn:x:p> 'x' }",
    "PREFIX ex: <urn:x:> INSERT DATA { ex:planted ex:p 'x' }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { <urn:x:planted> ?p ?o } WHERE { ?s ?p ?o }",
    "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
    "CREATE GRAPH <urn:x:g>",
    "COPY DEFAULT TO <urn:x:g>",
    "MOVE DEFAULT TO <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>",
    "insert data { <urn:x:planted> <urn:x:p> 'lower case' }",
]


def test_the_listener_notices_a_connection(listener: Listener) -> None:
    """The control for the tests below: a connection to the listener is counted."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
        connection.recv(1)
    assert listener.connections == ["127.0.0.1"]


def fetching_queries(port: int) -> list[str]:
    here = f"http://127.0.0.1:{port}"
    return [
        f"SELECT * WHERE {{ SERVICE <{here}/> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{here}/> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?x ?y ?z . service <{here}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{here}/> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{here}/x> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{here}/x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{here}/x> WHERE {{ ?s ?p ?o }}",
        f"ASK FROM <{here}/x> {{ ?s ?p ?o }}",
        f"LOAD <{here}/x>",
        f"LOAD SILENT <{here}/x> INTO GRAPH <urn:x:g>",
    ]


def send_each_way(client: httpx.Client, query: str) -> list[httpx.Response]:
    return [
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"}),
    ]


def test_service_from_and_load_are_400_and_nothing_calls_out(http: httpx.Client, listener: Listener) -> None:
    for query in fetching_queries(listener.port):
        for response in send_each_way(http, query):
            assert response.status_code == 400, (query, response.text)
            assert "not allowed" in response.text
            assert "never reads other URLs" in response.text
    assert listener.connections == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "LOAD <file:///etc/passwd>",
    ],
)
def test_reading_a_local_file_is_refused(http: httpx.Client, query: str) -> None:
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "root:" not in response.text


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_parameters_are_400(http: httpx.Client, listener: Listener, parameter: str) -> None:
    graph = f"http://127.0.0.1:{listener.port}/x"
    response = http.get("/sparql", params={"query": COUNT_TRIPLES, parameter: graph})
    assert response.status_code == 400
    assert parameter in response.text
    assert listener.connections == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service ?from WHERE { ?service ?load ?from } LIMIT 1",
        "SELECT * WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/> FROM INSERT DATA' } # DELETE, LOAD, FROM",
        "PREFIX service: <urn:x:> SELECT * WHERE { ?s service:from ?o ; <urn:x:INSERT> ?x }",
        "SELECT * WHERE { ?s ?p '''a long\nstring that says FROM <file:///etc/passwd>''' }",
        'SELECT * WHERE { ?s ?p "quoted \\" FROM <urn:x:y>" }',
        "SELECT * WHERE { ?s ?p ?o FILTER(lang(?o) = 'en' && ?o != 'insert'@en) } LIMIT 1",
    ],
)
def test_keywords_inside_names_strings_and_comments_are_not_refused(http: httpx.Client, query: str) -> None:
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text


def test_update_parameter_is_403(http: httpx.Client) -> None:
    update = UPDATES[0]
    assert http.get("/sparql", params={"update": update}).status_code == 403
    assert http.post("/sparql", data={"update": update}).status_code == 403
    response = http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    assert "read-only" in response.text


@pytest.mark.parametrize("update", UPDATES)
def test_update_sent_as_a_query_is_403(http: httpx.Client, update: str) -> None:
    for response in send_each_way(http, update):
        assert response.status_code == 403, response.text
        assert "read-only" in response.text


def test_the_graph_is_unchanged_after_every_update_attempt(http: httpx.Client) -> None:
    before = http.get("/sparql", params={"query": COUNT_TRIPLES}).json()
    for update in UPDATES:
        http.post("/sparql", data={"update": update})
        http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
        send_each_way(http, update)
    after = http.get("/sparql", params={"query": COUNT_TRIPLES}).json()
    assert after == before
    assert http.get("/sparql", params={"query": PLANTED}).json()["boolean"] is False


def test_query_text_over_the_limit_is_413(http: httpx.Client) -> None:
    limit = 256 * 1024
    padding = "#" * (limit - len(COUNT_TRIPLES) - 1) + "\n"
    at_limit = padding + COUNT_TRIPLES
    assert len(at_limit.encode()) == limit
    response = http.post("/sparql", content=at_limit, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    over = "#" + at_limit
    responses = [
        http.post("/sparql", data={"query": over}),
        http.post("/sparql", content=over, headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in responses:
        assert response.status_code == 413, response.text
        assert str(limit) in response.text


def test_a_huge_body_is_refused_before_it_is_read(http: httpx.Client) -> None:
    response = http.post(
        "/sparql", content=b"#" * (4 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def smuggled_spellings(port: int) -> list[str]:
    """SERVICE as Oxigraph reads it, in spellings a scan that only looks for the bare keyword misses."""
    here = f"http://127.0.0.1:{port}/"
    return [
        f"SELECT*WHERE{{SERVICESILENT<{here}>{{?s ?p ?o}}}}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{here}>{{}} }}",
        f"SELECT * WHERE {{ BIND(<{here}> AS ?s) FILTER(1<'a')SERVICE?s#>\n{{?a ?b ?c}} }}",
        f"SELECT * WHERE {{ BIND(<{here}> AS ?s) FILTER <urn:x:f>(?s<'a')SERVICE?s#>\n{{}} }}",
        f"PREFIX : <{here}> SELECT * WHERE {{ service:x {{ ?s ?p ?o }} }}",
        f"PREFIX : <{here}> SELECT * WHERE {{ ?a ?b ?c SERVICEsilent:x {{ ?s ?p ?o }} }}",
        f"SELECT*FROMNAMED<{here}x>WHERE{{}}",
    ]


def test_spellings_oxigraph_reads_as_service_are_400_and_nothing_calls_out(
    http: httpx.Client, listener: Listener
) -> None:
    for query in smuggled_spellings(listener.port):
        response = http.post("/sparql", data={"query": query})
        assert response.status_code == 400, (query, response.text)
        assert "is not allowed here" in response.text
    assert listener.connections == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o != <https://example.org/from/load/service>) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?o), 'service')) } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (<https://example.org/with>, <urn:x:insert>)) } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 'SERVICE') } LIMIT 1",
    ],
)
def test_keyword_like_text_in_iris_and_expressions_is_not_refused(http: httpx.Client, query: str) -> None:
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text


def nested(depth: int) -> str:
    return "SELECT * WHERE { FILTER(" + "(" * depth + "true" + ")" * depth + ") }"


@pytest.mark.parametrize(
    "query",
    [
        nested(150),
        nested(100_000),
        "SELECT * WHERE {" + "{" * 120 + "}" * 120 + "}",
        "SELECT * WHERE { ?s ?p " + "[ ?q " * 120 + "1" + " ]" * 120 + " }",
        "SELECT * WHERE { FILTER(" + "!" * 200_000 + "true) }",
    ],
    ids=["150 parentheses", "100000 parentheses", "braces", "blank nodes", "200000 negations"],
)
def test_nesting_past_the_limit_is_400_naming_the_option(http: httpx.Client, query: str) -> None:
    response = http.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text
    assert "deep" in response.text and "--max-query-depth" in response.text


def test_nesting_within_the_limit_is_answered(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": nested(90)})
    assert response.status_code == 200, response.text


def test_the_depth_limit_is_an_option(start_server: Callable[..., RunningServer]) -> None:
    shallow = start_server("--max-query-depth", "5", "--workers", "1")
    response = httpx.get(shallow.sparql, params={"query": nested(10)}, timeout=30)
    assert response.status_code == 400
    assert "the most this endpoint evaluates is 5 (--max-query-depth)" in response.text


QUERY_BYTES = 256 * 1024
ADVERSARIAL_UNITS = [
    "'",
    '"',
    "'''a",
    "<",
    "<a",
    "\\",
    "\\u0053",
    "\\U00000028",
    "_:",
    "?",
    "(",
    "(a",
    "!",
    "''a",
    "<'",
    "a.",
    "a:\\",
    "@a-",
    "#\\u",
    "1<",
]
"""Runs of what a tokenizer must decide on: quotes that may open strings, `<` that may open IRIs,
escapes, names, brackets. A scan that tries a token again from the next character is quadratic on them."""


@pytest.mark.parametrize("unit", ADVERSARIAL_UNITS)
def test_the_refusal_layer_reads_256_kib_of_adversarial_text_in_linear_time(unit: str) -> None:
    text = (unit * (QUERY_BYTES // len(unit) + 1))[:QUERY_BYTES]
    for candidate in (text, "'" + text, "'''" + text, "<" + text):
        started = time.process_time()
        refusal_for(candidate, max_depth=100)
        assert time.process_time() - started < 1.0, f"{unit!r} took too long"
