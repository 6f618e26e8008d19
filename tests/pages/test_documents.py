"""`/ontology`, `/shapes` and `/.well-known/void`: readable for browsers, RDF by Accept or `?format=`."""

from __future__ import annotations

import httpx
import pytest
from html_reading import read_page
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, VOID

from mitigraph.namespaces import MG

RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def test_ontology_documentation_lists_terms_with_definitions(page_http: httpx.Client) -> None:
    response = page_http.get("/ontology", headers={"Accept": "text/html"})
    assert media_type(response) == "text/html"
    shown = read_page(response.text)
    assert "Mitigraph ontology" in shown.text
    assert "A measure to reduce AI risk" in shown.text
    assert "in category" in shown.text
    assert shown.href_of("Category") == "#Category"


@pytest.mark.parametrize("media", list(RDFLIB_FORMATS))
def test_ontology_by_accept(page_http: httpx.Client, media: str) -> None:
    response = page_http.get("/ontology", headers={"Accept": media})
    assert media_type(response) == media
    graph = Graph().parse(data=response.content, format=RDFLIB_FORMATS[media])
    assert (MG.Mitigation, RDF.type, OWL.Class) in graph


def test_ontology_by_format_parameter(page_http: httpx.Client) -> None:
    response = page_http.get("/ontology", params={"format": "ttl"}, headers={"Accept": "text/html"})
    assert media_type(response) == "text/turtle"


def test_ontology_406(page_http: httpx.Client) -> None:
    response = page_http.get("/ontology", headers={"Accept": "application/pdf"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_shapes_are_turtle_by_default(page_http: httpx.Client) -> None:
    response = page_http.get("/shapes", headers={"Accept": "*/*"})
    assert media_type(response) == "text/turtle"
    graph = Graph().parse(data=response.content, format="turtle")
    assert any(graph.subjects(RDF.type, SH.NodeShape))


def test_shapes_have_an_html_view_for_browsers(page_http: httpx.Client) -> None:
    response = page_http.get("/shapes", headers={"Accept": "text/html,*/*;q=0.8"})
    assert media_type(response) == "text/html"
    assert "Mitigation shape" in response.text
    assert "The mitigation cites no source document" in response.text


def test_void_is_turtle_by_default(page_http: httpx.Client) -> None:
    response = page_http.get("/.well-known/void", headers={"Accept": "text/html,*/*;q=0.8"})
    assert media_type(response) == "text/turtle"
    graph = Graph().parse(data=response.content, format="turtle")
    dataset = URIRef("https://w3id.org/mitigraph/id/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    root = str(page_http.base_url).rstrip("/")
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{root}/sparql")) in graph
    assert (dataset, VOID.dataDump, URIRef(f"{root}/download/mitigraph.nt")) in graph
    assert any(value for value in graph.objects(dataset, VOID.triples) if isinstance(value, Literal))


@pytest.mark.parametrize("media", ["application/ld+json", "application/rdf+xml", "application/n-triples"])
def test_void_by_accept(page_http: httpx.Client, media: str) -> None:
    response = page_http.get("/.well-known/void", headers={"Accept": media})
    assert response.status_code == 200
    assert media_type(response) == media
