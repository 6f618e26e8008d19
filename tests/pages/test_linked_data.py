"""`/id/...`: every minted IRI dereferences, as HTML for browsers and as RDF by Accept or `?format=`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from page_graph import serve_options
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, SKOS
from tests.support.servers import running_server

from mitigraph.namespaces import MG

BASE = "https://w3id.org/mitigraph/id/"
RECORD = "mitigation/fixture-page"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}

NEGOTIATION_CASES = [
    # (Accept, ?format=, status, media type answered)
    (BROWSER_ACCEPT, None, 200, "text/html"),
    ("text/html", None, 200, "text/html"),
    (None, None, 200, "text/html"),
    ("*/*", None, 200, "text/html"),
    ("text/turtle", None, 200, "text/turtle"),
    ("application/ld+json", None, 200, "application/ld+json"),
    ("application/n-triples", None, 200, "application/n-triples"),
    ("application/rdf+xml", None, 200, "application/rdf+xml"),
    ("text/turtle;q=0.4, application/ld+json;q=0.9", None, 200, "application/ld+json"),
    ("application/rdf+xml, text/html;q=0.1", None, 200, "application/rdf+xml"),
    (BROWSER_ACCEPT, "ttl", 200, "text/turtle"),
    (BROWSER_ACCEPT, "jsonld", 200, "application/ld+json"),
    (BROWSER_ACCEPT, "nt", 200, "application/n-triples"),
    (BROWSER_ACCEPT, "rdf", 200, "application/rdf+xml"),
    ("text/turtle", "html", 200, "text/html"),
    ("application/pdf", None, 406, "text/plain"),
    ("image/png, application/json", None, 406, "text/plain"),
    (BROWSER_ACCEPT, "pdf", 406, "text/plain"),
]


def get_entity(
    client: httpx.Client, path: str, *, accept: str | None, format_name: str | None
) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    params = {"format": format_name} if format_name is not None else {}
    request = client.build_request("GET", f"/id/{path}", headers=headers, params=params)
    if accept is None:
        del request.headers["Accept"]
    return client.send(request)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(("accept", "format_name", "status", "answered"), NEGOTIATION_CASES)
def test_negotiation(
    page_http: httpx.Client, accept: str | None, format_name: str | None, status: int, answered: str
) -> None:
    response = get_entity(page_http, RECORD, accept=accept, format_name=format_name)
    assert response.status_code == status
    assert media_type(response) == answered
    assert "accept" in response.headers["vary"].lower()


def test_406_names_the_supported_types(page_http: httpx.Client) -> None:
    response = get_entity(page_http, RECORD, accept="application/pdf", format_name=None)
    for supported in ("text/html", *RDFLIB_FORMATS):
        assert supported in response.text
    assert "format=ttl" in response.text


def entity_graph(client: httpx.Client, path: str, media: str) -> Graph:
    response = get_entity(client, path, accept=media, format_name=None)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=RDFLIB_FORMATS[media])


@pytest.mark.parametrize(
    "path", [RECORD, "limitation/jailbreaks", "category/1.1.2", "source/fixture-report-on-safety-measures"]
)
@pytest.mark.parametrize("media", ["application/n-triples", "application/rdf+xml"])
def test_every_format_says_the_same(page_http: httpx.Client, path: str, media: str) -> None:
    assert isomorphic(entity_graph(page_http, path, media), entity_graph(page_http, path, "text/turtle"))


@pytest.mark.parametrize(
    "path", ["limitation/jailbreaks", "category/1.1.2", "source/fixture-report-on-safety-measures"]
)
def test_jsonld_says_the_same_as_turtle(page_http: httpx.Client, path: str) -> None:
    jsonld = entity_graph(page_http, path, "application/ld+json")
    assert isomorphic(jsonld, entity_graph(page_http, path, "text/turtle"))


def test_a_mitigation_in_jsonld_carries_its_whole_description(page_http: httpx.Client) -> None:
    """A mitigation's JSON-LD is framed (linked entities nested with more than their labels)."""
    jsonld = entity_graph(page_http, RECORD, "application/ld+json")
    turtle = entity_graph(page_http, RECORD, "text/turtle")
    record = URIRef(BASE + RECORD)
    own = set(turtle.triples((record, None, None)))
    assert own
    assert own <= set(jsonld.triples((record, None, None)))


def test_rdf_is_the_description_plus_the_labels_of_what_it_links_to(page_http: httpx.Client) -> None:
    graph = entity_graph(page_http, RECORD, "text/turtle")
    record = URIRef(BASE + RECORD)
    assert (record, RDFS.label, Literal("Adversarial training for robust alignment")) in graph
    assert (record, MG.inCategory, URIRef(BASE + "category/1.1.2")) in graph
    assert (URIRef(BASE + "category/1.1.2"), SKOS.prefLabel, Literal("Learning Objectives")) in graph
    assert (URIRef(BASE + "limitation/jailbreaks"), RDFS.label, Literal("Jailbreaks")) in graph
    linked_subjects = {s for s in graph.subjects() if s != record}
    assert all((s, None, None) in graph for s in linked_subjects)
    label_predicates = {RDFS.label, SKOS.prefLabel, URIRef("http://purl.org/dc/terms/title")}
    assert {p for s, p, _ in graph if s != record} <= label_predicates, (
        "only the labels of linked entities come along, not their descriptions"
    )


def test_jsonld_is_compact(page_http: httpx.Client) -> None:
    response = get_entity(page_http, RECORD, accept="application/ld+json", format_name=None)
    assert '"@context"' in response.text
    assert '"mg:inCategory"' in response.text


def test_blank_nodes_come_with_their_statements(page_http: httpx.Client) -> None:
    graph = entity_graph(page_http, "source/fixture-report-on-safety-measures", "text/turtle")
    authors = [a for a in graph.objects(None, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first"))]
    assert len(authors) == 3


@pytest.mark.parametrize(
    "path", ["mitigation/no-such-record", "category/42.42", "nothing", "category/1.1.2/extra"]
)
def test_unknown_ids_are_404_pages_for_browsers(page_http: httpx.Client, path: str) -> None:
    response = get_entity(page_http, path, accept=BROWSER_ACCEPT, format_name=None)
    assert response.status_code == 404
    assert media_type(response) == "text/html"
    assert "Not found" in response.text


def test_unknown_ids_are_404_text_for_data_clients(page_http: httpx.Client) -> None:
    response = get_entity(page_http, "mitigation/no-such-record", accept="text/turtle", format_name=None)
    assert response.status_code == 404
    assert media_type(response) == "text/plain"
    assert BASE + "mitigation/no-such-record" in response.text


def test_an_iri_that_is_only_an_object_is_404(page_http: httpx.Client) -> None:
    """The fixture's dataset names a publisher the graph says nothing about: there is nothing to serve."""
    response = get_entity(
        page_http, "agent/publisher-without-description", accept="text/turtle", format_name=None
    )
    assert response.status_code == 404


def test_an_invalid_iri_is_404(page_http: httpx.Client) -> None:
    response = page_http.get("/id/a%20b%3Cc", headers={"Accept": "text/turtle"})
    assert response.status_code == 404


def test_another_base_is_served_the_same_way(tmp_path: Path) -> None:
    base = "https://example.org/kg/"
    with (
        running_server(*serve_options(f"--base={base}"), log_dir=tmp_path) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        turtle = http.get(f"/id/{RECORD}", headers={"Accept": "text/turtle"})
        graph = Graph().parse(data=turtle.content, format="turtle")
        assert (URIRef(base + RECORD), MG.inCategory, URIRef(base + "category/1.1.2")) in graph
        page = http.get(f"/id/{RECORD}", headers={"Accept": "text/html"})
        assert 'href="/id/category/1.1.2"' in page.text
        assert http.get("/id/mitigation/fixture-page", headers={"Accept": "text/turtle"}).status_code == 200
