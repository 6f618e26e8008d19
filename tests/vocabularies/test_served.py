"""Served over HTTP by the real server: /context.jsonld, framed JSON-LD of a mitigation, /ontology."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from mitigraph.jsonld import blank_list_cells, context, describe_mitigation
from mitigraph.loader import load_files
from mitigraph.namespaces import DEFAULT_BASE, MG
from mitigraph.store import memory_store

JSON_LD = "application/ld+json"


@pytest.fixture(scope="module")
def record(project_graph: Graph) -> URIRef:
    """A navigator page's own record: it has a category, a source and all three facets."""
    found = sorted(
        s for s in project_graph.subjects(MG.lifecycleStage) if (s, RDF.type, MG.Mitigation) in project_graph
    )
    assert found, "the project's data holds no navigator record"
    return URIRef(str(found[0]))


def test_the_context_is_served_as_json_ld(http: httpx.Client) -> None:
    response = http.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON_LD)
    assert response.json() == context()


def test_the_context_refuses_html_only_clients_with_406(http: httpx.Client) -> None:
    response = http.get("/context.jsonld", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert JSON_LD in response.text


def test_a_mitigation_as_framed_json_ld(http: httpx.Client, project_graph: Graph, record: URIRef) -> None:
    response = http.get("/id/" + str(record)[len(DEFAULT_BASE) :], params={"format": "jsonld"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON_LD)
    document = response.json()
    assert document["@id"] == str(record)
    assert document["@type"] == "Mitigation"
    assert document["category"]["notation"]
    assert document["citedIn"]["title"]
    assert document["lifecycleStage"]["prefLabel"]


def test_the_served_framed_json_ld_reads_back_as_the_description(
    http: httpx.Client, project_graph: Graph, record: URIRef, tmp_path: Path
) -> None:
    response = http.get("/id/" + str(record)[len(DEFAULT_BASE) :], headers={"Accept": JSON_LD})
    path = tmp_path / "record.jsonld"
    path.write_bytes(response.content)
    expected = blank_list_cells(describe_mitigation(memory_store(project_graph), record))
    assert isomorphic(load_files([path]).graph, expected)


def test_the_ontology_page_is_the_generated_documentation(http: httpx.Client) -> None:
    response = http.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<a href="https://w3id.org/airo#RiskControl">Risk Control</a>' in response.text
    assert 'id="mappings"' in response.text
    assert "pyLODE" in response.text
