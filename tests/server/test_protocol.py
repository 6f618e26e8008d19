"""The SPARQL 1.1 Protocol as a client sees it: GET, POST form, POST body, errors, the endpoint's landing."""

from __future__ import annotations

import json

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from tests.support.servers import RunningServer

from mitigraph.namespaces import MG, SD

COUNT_MITIGATIONS = (
    "PREFIX mg: <https://w3id.org/mitigraph/ontology#> SELECT (COUNT(?m) AS ?n) WHERE { ?m a mg:Mitigation }"
)
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def mitigation_count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_get_with_query_parameter(http: httpx.Client) -> None:
    assert mitigation_count(http.get("/sparql", params={"query": COUNT_MITIGATIONS})) > 0


def test_post_form(http: httpx.Client) -> None:
    assert mitigation_count(http.post("/sparql", data={"query": COUNT_MITIGATIONS})) > 0


def test_post_query_body(http: httpx.Client) -> None:
    response = http.post(
        "/sparql", content=COUNT_MITIGATIONS, headers={"Content-Type": "application/sparql-query"}
    )
    assert mitigation_count(response) > 0


def test_the_three_ways_agree(http: httpx.Client) -> None:
    counts = {
        mitigation_count(http.get("/sparql", params={"query": COUNT_MITIGATIONS})),
        mitigation_count(http.post("/sparql", data={"query": COUNT_MITIGATIONS})),
        mitigation_count(
            http.post(
                "/sparql", content=COUNT_MITIGATIONS, headers={"Content-Type": "application/sparql-query"}
            )
        ),
    }
    assert len(counts) == 1


def test_trailing_slash_is_the_same_endpoint(http: httpx.Client) -> None:
    assert mitigation_count(http.get("/sparql/", params={"query": COUNT_MITIGATIONS})) > 0


def test_ask(http: httpx.Client) -> None:
    response = http.get(
        "/sparql", params={"query": "ASK { ?s a <https://w3id.org/mitigraph/ontology#Category> }"}
    )
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_construct_defaults_to_turtle(http: httpx.Client) -> None:
    query = (
        "PREFIX mg: <https://w3id.org/mitigraph/ontology#> "
        "CONSTRUCT { ?c a mg:Category } WHERE { ?c a mg:Category }"
    )
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 10
    assert all(o == MG.Category for o in graph.objects(None, RDF.type))


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", COUNT_MITIGATIONS),
        ("application/json", json.dumps({"query": COUNT_MITIGATIONS})),
        ("multipart/form-data; boundary=x", "--x\r\n"),
    ],
)
def test_another_content_type_is_415(http: httpx.Client, content_type: str, body: str) -> None:
    response = http.post("/sparql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_malformed_query_is_400_with_the_parsers_message(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert response.status_code == 400
    assert response.text.startswith("malformed query: error at 1:")


def test_two_queries_in_one_request_is_400(http: httpx.Client) -> None:
    response = http.get("/sparql", params=[("query", COUNT_MITIGATIONS), ("query", COUNT_MITIGATIONS)])
    assert response.status_code == 400
    assert "exactly one query" in response.text


def test_query_in_a_character_set_that_is_not_declared_is_400(http: httpx.Client) -> None:
    response = http.post(
        "/sparql",
        content="SELECT * WHERE { ?s ?p 'é' }".encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400
    assert "not valid utf-8" in response.text


def test_a_query_in_utf8_is_read_as_utf8(http: httpx.Client) -> None:
    query = "ASK { FILTER('é' = '\\u00E9') }"
    response = http.post(
        "/sparql",
        content=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_a_query_in_another_character_set_is_415(http: httpx.Client) -> None:
    """The protocol's body is UTF-8; any other charset is refused, whatever Python could decode."""
    response = http.post(
        "/sparql",
        content="ASK { FILTER('é' = '\\u00E9') }".encode("latin-1"),
        headers={"Content-Type": "application/sparql-query; charset=latin-1"},
    )
    assert response.status_code == 415
    assert "send it as UTF-8" in response.text


def test_a_browser_gets_yasgui_with_the_examples_and_local_assets(http: httpx.Client) -> None:
    response = http.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "/static/yasgui/yasgui.min.js" in page
    assert "unpkg.com" not in page
    assert "Mitigations in a category and its subcategories" in page
    for asset in ("yasgui.min.js", "yasgui.min.css", "LICENSE"):
        assert http.get(f"/static/yasgui/{asset}").status_code == 200


@pytest.mark.parametrize(
    ("accept", "content_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("*/*", "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_service_description_for_a_client_that_is_not_a_browser(
    http: httpx.Client,
    project_server: RunningServer,
    accept: str | None,
    content_type: str,
    rdflib_format: str,
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/sparql", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    description = Graph().parse(data=response.text, format=rdflib_format)
    service = description.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert (service, SD.endpoint, URIRef(project_server.sparql)) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (service, SD.feature, SD.BasicFederatedQuery) not in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in description
    assert not list(description.objects(service, SD.inputFormat))
    assert len(list(description.objects(service, SD.resultFormat))) == 8


def vary(response: httpx.Response) -> list[str]:
    return [name.strip() for name in response.headers["vary"].split(",")]


def test_service_description_and_yasgui_vary_by_accept(http: httpx.Client) -> None:
    """Accept picks the representation; Origin decides the CORS headers (see test_http_exact)."""
    assert vary(http.get("/sparql")) == ["Accept", "Origin"]
    assert vary(http.get("/sparql", params={"query": COUNT_MITIGATIONS})) == ["Accept", "Origin"]
