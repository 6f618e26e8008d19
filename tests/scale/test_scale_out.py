"""Publish to a real Oxigraph server over the Graph Store Protocol, then serve pages and /sparql from it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from scaleout import MITIGATIONS
from tests.support.commands import run_mitigraph
from tests.support.servers import RunningServer, free_port

pytestmark = pytest.mark.scaleout

COUNT_MITIGATIONS = """
PREFIX mg: <https://w3id.org/mitigraph/ontology#>
SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a mg:Mitigation }
"""
DESCRIBE_CATEGORY_BRANCH = """
PREFIX mg: <https://w3id.org/mitigraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?m mg:inCategory ?c . ?c skos:notation ?code }
WHERE {
  ?m mg:inCategory ?c .
  ?c mg:subcategoryOf* <https://w3id.org/mitigraph/id/category/1> ; skos:notation ?code .
}
"""
JSON = {"Accept": "application/sparql-results+json"}
FIRST_RECORD = "/id/mitigation/syn0000001"


def count_in(client: httpx.Client, endpoint: str) -> int:
    response = client.post(endpoint, data={"query": COUNT_MITIGATIONS}, headers=JSON)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_publish_loads_every_mitigation_into_the_store(
    publication: subprocess.CompletedProcess[str], oxigraph: RunningServer
):
    assert publication.returncode == 0, publication.stderr
    assert "Published" in publication.stdout
    with httpx.Client(timeout=30.0) as client:
        assert count_in(client, oxigraph.url + "/query") == MITIGATIONS


def test_our_sparql_endpoint_answers_from_the_remote_store(front: RunningServer):
    with httpx.Client(timeout=30.0) as client:
        assert count_in(client, front.url + "/sparql") == MITIGATIONS


def test_a_construct_through_us_is_the_graph_the_store_gives(front: RunningServer, oxigraph: RunningServer):
    with httpx.Client(timeout=30.0) as client:
        ours = client.post(
            front.url + "/sparql", data={"query": DESCRIBE_CATEGORY_BRANCH}, headers={"Accept": "text/turtle"}
        )
        theirs = client.post(
            oxigraph.url + "/query",
            data={"query": DESCRIBE_CATEGORY_BRANCH},
            headers={"Accept": "text/turtle"},
        )
    assert ours.status_code == 200, ours.text
    assert ours.headers["content-type"].startswith("text/turtle")
    our_graph = Graph().parse(data=ours.text, format="turtle")
    assert len(our_graph) > 0
    assert isomorphic(our_graph, Graph().parse(data=theirs.text, format="turtle"))


def test_results_come_in_the_negotiated_format_even_when_converted(front: RunningServer):
    with httpx.Client(timeout=30.0) as client:
        response = client.post(
            front.url + "/sparql", data={"query": COUNT_MITIGATIONS}, headers={"Accept": "text/csv"}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.split() == ["n", str(MITIGATIONS)]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400),
        ("SELECT * WHERE { ?s ?p", 400),
    ],
    ids=["service-refused", "syntax-error"],
)
def test_refusals_are_the_same_as_with_the_local_store(front: RunningServer, query: str, status: int):
    with httpx.Client(timeout=30.0) as client:
        response = client.post(front.url + "/sparql", data={"query": query}, headers=JSON)
    assert response.status_code == status


def test_updates_are_refused_before_they_reach_the_store(front: RunningServer, oxigraph: RunningServer):
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    with httpx.Client(timeout=30.0) as client:
        response = client.post(front.url + "/sparql", data={"update": update})
        assert response.status_code == 403
        assert count_in(client, oxigraph.url + "/query") == MITIGATIONS


def test_a_mitigation_page_is_rendered_from_the_remote_store(front: RunningServer):
    with httpx.Client(timeout=30.0) as client:
        page = client.get(front.url + FIRST_RECORD, headers={"Accept": "text/html"})
        as_turtle = client.get(front.url + FIRST_RECORD, headers={"Accept": "text/turtle"})
    assert page.status_code == 200
    assert "syn0000001" in page.text
    statements = Graph().parse(data=as_turtle.text, format="turtle")
    assert len(statements) > 5


def test_publishing_to_an_unreachable_store_says_so(synthetic_graph: Path):
    url = f"http://127.0.0.1:{free_port()}"
    result = run_mitigraph("publish", str(synthetic_graph), "--endpoint", url)
    assert result.returncode == 2
    assert "cannot reach" in result.stderr
    assert url in result.stderr


def test_a_store_that_refuses_the_graph_is_reported_with_its_answer(
    synthetic_graph: Path, oxigraph: RunningServer
):
    result = run_mitigraph(
        "publish", str(synthetic_graph), "--endpoint", oxigraph.url, "--gsp-url", oxigraph.url + "/nowhere"
    )
    assert result.returncode == 2
    assert "404" in result.stderr


def test_a_graph_with_violations_is_not_published(tmp_path: Path, oxigraph: RunningServer):
    broken = tmp_path / "broken.ttl"
    orphan = "<https://w3id.org/mitigraph/id/mitigation/orphan>"
    broken.write_text(f"{orphan} a <https://w3id.org/mitigraph/ontology#Mitigation> .\n")
    graph = "https://example.org/must-stay-empty"
    result = run_mitigraph("publish", str(broken), "--endpoint", oxigraph.url, "--graph", graph)
    assert result.returncode == 1
    assert "nothing was published" in result.stderr
    with httpx.Client(timeout=30.0) as client:
        response = client.get(oxigraph.url + "/store", params={"graph": graph})
    assert response.status_code == 404
