"""Content negotiation: a table of Accept headers and what the endpoint answers with, over HTTP."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from mitigraph.web.negotiation import NotAcceptable, Offer, negotiate

SELECT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?code WHERE { ?c skos:notation ?code } ORDER BY ?code LIMIT 3"
)
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "CONSTRUCT { ?c skos:notation ?code } WHERE { ?c skos:notation ?code } LIMIT 5"
)
DESCRIBE = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> DESCRIBE ?c WHERE { ?c skos:notation '1.1' }"
SOLUTION_TYPES = (
    "application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values"
)
GRAPH_TYPES = "text/turtle, application/ld+json, application/n-triples, application/rdf+xml"

CASES = [
    # (query, Accept, status, Content-Type answered)
    (SELECT, None, 200, "application/sparql-results+json"),
    (SELECT, "*/*", 200, "application/sparql-results+json"),
    (SELECT, "application/sparql-results+json", 200, "application/sparql-results+json"),
    (SELECT, "application/json", 200, "application/sparql-results+json"),
    (SELECT, "application/sparql-results+xml", 200, "application/sparql-results+xml"),
    (SELECT, "text/csv", 200, "text/csv"),
    (SELECT, "text/tab-separated-values", 200, "text/tab-separated-values"),
    (SELECT, "text/*", 200, "text/csv"),
    (SELECT, "text/csv;q=0.5, text/tab-separated-values", 200, "text/tab-separated-values"),
    (SELECT, "application/*;q=0.9, text/csv;q=0.2", 200, "application/sparql-results+json"),
    (SELECT, "text/csv;q=0, */*;q=0.1", 200, "application/sparql-results+json"),
    (
        SELECT,
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        200,
        "application/sparql-results+xml",
    ),
    (SELECT, "text/turtle", 406, None),
    (SELECT, "image/png", 406, None),
    (ASK, None, 200, "application/sparql-results+json"),
    (ASK, "application/sparql-results+xml", 200, "application/sparql-results+xml"),
    (ASK, "text/csv", 200, "text/csv"),
    (ASK, "application/rdf+xml", 406, None),
    (CONSTRUCT, None, 200, "text/turtle"),
    (CONSTRUCT, "*/*", 200, "text/turtle"),
    (CONSTRUCT, "text/turtle", 200, "text/turtle"),
    (CONSTRUCT, "application/ld+json", 200, "application/ld+json"),
    (CONSTRUCT, "application/n-triples", 200, "application/n-triples"),
    (CONSTRUCT, "application/rdf+xml", 200, "application/rdf+xml"),
    (CONSTRUCT, "application/rdf+xml;q=0.3, application/ld+json;q=0.7", 200, "application/ld+json"),
    (CONSTRUCT, "application/sparql-results+xml, application/rdf+xml", 200, "application/rdf+xml"),
    (CONSTRUCT, "text/csv", 406, None),
    (DESCRIBE, "application/n-triples", 200, "application/n-triples"),
    (DESCRIBE, "text/tab-separated-values", 406, None),
]


@pytest.mark.parametrize(("query", "accept", "status", "content_type"), CASES)
def test_negotiation(
    http: httpx.Client, query: str, accept: str | None, status: int, content_type: str | None
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    if accept is not None and accept.startswith("text/html"):
        # A browser's GET with a query opens the editor (test_landing); its form POST gets results.
        response = http.post("/sparql", data={"query": query}, headers=headers)
    else:
        response = http.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == status, response.text
    assert "Accept" in [name.strip() for name in response.headers["vary"].split(",")]
    if content_type is None:
        expected = GRAPH_TYPES if query in (CONSTRUCT, DESCRIBE) else SOLUTION_TYPES
        assert f"supported types: {expected}" in response.text
    else:
        assert response.headers["content-type"].split(";")[0] == content_type
        assert_is_well_formed(response, content_type)


def assert_is_well_formed(response: httpx.Response, content_type: str) -> None:
    """The body really is what the Content-Type says, read by an independent parser."""
    readers = {
        "application/sparql-results+json": lambda text: json.loads(text),
        "application/sparql-results+xml": lambda text: ElementTree.fromstring(text),
        "text/csv": lambda text: list(csv.reader(io.StringIO(text))),
        "text/tab-separated-values": lambda text: text.splitlines(),
        "text/turtle": lambda text: Graph().parse(data=text, format="turtle"),
        "application/ld+json": lambda text: Graph().parse(data=text, format="json-ld"),
        "application/n-triples": lambda text: Graph().parse(data=text, format="nt"),
        "application/rdf+xml": lambda text: Graph().parse(data=text, format="xml"),
    }
    assert readers[content_type](response.text)


def test_the_four_graph_formats_hold_the_same_graph(http: httpx.Client) -> None:
    graphs = []
    for media_type, rdflib_format in [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ]:
        response = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": media_type})
        graphs.append(Graph().parse(data=response.text, format=rdflib_format))
    assert len(graphs[0]) == 5
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])


def test_the_output_parameter_of_other_endpoints_is_ignored(http: httpx.Client) -> None:
    """Some clients send `output=xml`, meant for other endpoints; Accept decides here."""
    for value in ("csv", "turtle", "xml", "nonsense"):
        response = http.get(
            "/sparql", params={"query": CONSTRUCT, "output": value}, headers={"Accept": "text/turtle"}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/turtle")


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

FORMAT_CASES = [
    # (query, ?format=, Accept, Content-Type answered): the parameter wins over Accept for the kind it names
    (SELECT, "json", BROWSER_ACCEPT, "application/sparql-results+json"),
    (SELECT, "csv", BROWSER_ACCEPT, "text/csv"),
    (SELECT, "tsv", "application/sparql-results+json", "text/tab-separated-values"),
    (SELECT, "xml", None, "application/sparql-results+xml"),
    (SELECT, "JSON", None, "application/sparql-results+json"),
    (SELECT, "sparql-csv", None, "text/csv"),
    (SELECT, "text/csv", None, "text/csv"),
    (ASK, "xml", "application/sparql-results+json", "application/sparql-results+xml"),
    (CONSTRUCT, "ttl", BROWSER_ACCEPT, "text/turtle"),
    (CONSTRUCT, "turtle", "application/rdf+xml", "text/turtle"),
    (CONSTRUCT, "jsonld", BROWSER_ACCEPT, "application/ld+json"),
    (CONSTRUCT, "json", None, "application/ld+json"),
    (CONSTRUCT, "nt", "text/turtle", "application/n-triples"),
    (CONSTRUCT, "xml", "text/turtle", "application/rdf+xml"),
    (CONSTRUCT, "rdf", None, "application/rdf+xml"),
    (DESCRIBE, "jsonld", "text/turtle", "application/ld+json"),
    # a format of the other kind of result leaves the choice to Accept
    (CONSTRUCT, "csv", "text/turtle", "text/turtle"),
    (SELECT, "ttl", None, "application/sparql-results+json"),
]


@pytest.mark.parametrize(("query", "format_param", "accept", "content_type"), FORMAT_CASES)
def test_the_format_parameter_is_preferred_to_accept(
    http: httpx.Client, query: str, format_param: str, accept: str | None, content_type: str
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = http.get("/sparql", params={"query": query, "format": format_param}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == content_type
    assert_is_well_formed(response, content_type)


def test_the_format_parameter_works_in_a_posted_form(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"query": SELECT, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize("value", ["yaml", "text/html;q=", "", "n-quads"])
def test_a_format_that_names_no_format_is_400_naming_the_parameter_and_the_values(
    http: httpx.Client, value: str
) -> None:
    response = http.get("/sparql", params={"query": SELECT, "format": value})
    if not value:
        assert response.status_code == 200  # an empty parameter is no preference
        return
    assert response.status_code == 400
    assert "format parameter" in response.text
    for allowed in ("json", "xml", "csv", "tsv", "ttl", "jsonld", "nt", "rdf"):
        assert allowed in response.text


def test_two_format_parameters_are_400(http: httpx.Client) -> None:
    response = http.get("/sparql", params=[("query", SELECT), ("format", "csv"), ("format", "json")])
    assert response.status_code == 400
    assert "format parameter once" in response.text


def test_the_format_parameter_chooses_the_service_description(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"format": "jsonld"}, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=response.text, format="json-ld")) > 0


# ---------------------------------------------------------------- the negotiation function itself

OFFERS = (
    Offer("text/turtle", token="ttl"),
    Offer("application/ld+json", token="jsonld", aliases=("application/json",)),
)


@pytest.mark.parametrize(
    ("accept", "format_param", "expected"),
    [
        (None, None, "text/turtle"),
        ("", None, "text/turtle"),
        ("application/json", None, "application/ld+json"),
        ("text/turtle;q=0.1, application/ld+json;q=0.2", None, "application/ld+json"),
        ("application/*", None, "application/ld+json"),
        ("text/turtle", "jsonld", "application/ld+json"),
        (None, "application/ld+json", "application/ld+json"),
    ],
)
def test_negotiate_picks(accept: str | None, format_param: str | None, expected: str) -> None:
    assert negotiate(OFFERS, accept=accept, format_param=format_param).media_type == expected


@pytest.mark.parametrize(
    ("accept", "format_param"), [("image/png", None), ("text/turtle;q=0", None), (None, "xml")]
)
def test_negotiate_refuses_naming_what_is_offered(accept: str | None, format_param: str | None) -> None:
    with pytest.raises(NotAcceptable, match="supported types: text/turtle, application/ld\\+json"):
        negotiate(OFFERS, accept=accept, format_param=format_param)
