"""Real SPARQL clients against the endpoint: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

from urllib.error import HTTPError

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from tests.support.servers import RunningServer

CATEGORY_11 = "https://w3id.org/mitigraph/id/category/1.1"
CHILDREN = (
    "PREFIX mg: <https://w3id.org/mitigraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    f"SELECT ?code WHERE {{ ?c mg:subcategoryOf <{CATEGORY_11}> ; skos:notation ?code }} ORDER BY ?code"
)
CONSTRUCT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "CONSTRUCT { ?c skos:notation ?code } "
    f"WHERE {{ ?c skos:broader <{CATEGORY_11}> ; skos:notation ?code }}"
)
EXPECTED_CHILDREN = ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]


def wrapper(server: RunningServer, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setTimeout(30)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(project_server: RunningServer, method: str) -> None:
    client = wrapper(project_server, CHILDREN, JSON)
    client.setMethod(method)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert [row["code"]["value"] for row in result["results"]["bindings"]] == EXPECTED_CHILDREN


def test_sparqlwrapper_select_xml(project_server: RunningServer) -> None:
    document = wrapper(project_server, CHILDREN, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == EXPECTED_CHILDREN


def test_sparqlwrapper_select_csv(project_server: RunningServer) -> None:
    text = wrapper(project_server, CHILDREN, CSV).queryAndConvert()
    assert isinstance(text, bytes)
    assert text.decode().split() == ["code", *EXPECTED_CHILDREN]


def test_sparqlwrapper_construct_turtle_is_the_same_graph_as_rdf_xml(project_server: RunningServer) -> None:
    turtle = wrapper(project_server, CONSTRUCT, TURTLE).queryAndConvert()
    assert isinstance(turtle, bytes)
    as_turtle = Graph().parse(data=turtle, format="turtle")
    as_rdf_xml = wrapper(project_server, CONSTRUCT, XML).queryAndConvert()
    assert isinstance(as_rdf_xml, Graph)
    assert len(as_turtle) == len(EXPECTED_CHILDREN)
    assert isomorphic(as_turtle, as_rdf_xml)


def test_sparqlwrapper_sees_a_malformed_query_as_bad_formed(project_server: RunningServer) -> None:
    with pytest.raises(QueryBadFormed, match="malformed query"):
        wrapper(project_server, "SELECT ?x WHERE { ?x ?p }", JSON).queryAndConvert()


def test_sparqlwrapper_update_is_refused(project_server: RunningServer) -> None:
    client = SPARQLWrapper(project_server.sparql, updateEndpoint=project_server.sparql)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    with pytest.raises(HTTPError) as raised:
        client.query()
    assert raised.value.code == 403
    assert "read-only" in raised.value.read().decode()


def test_rdflib_sparqlstore_reads_through_the_endpoint(project_server: RunningServer) -> None:
    store = SPARQLStore(project_server.sparql)  # asks for SPARQL XML results and RDF/XML graphs
    graph = Graph(store=store)
    codes = sorted(str(row[0]) for row in graph.query(CHILDREN))  # type: ignore[index]
    assert codes == EXPECTED_CHILDREN
    assert (URIRef(CATEGORY_11), SKOS.notation, Literal("1.1")) in graph
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) == len(EXPECTED_CHILDREN)


def test_rdflib_sparqlstore_in_json_mode_gets_a_406_for_a_graph(project_server: RunningServer) -> None:
    """In JSON mode SPARQLStore accepts only SPARQL JSON results, which a CONSTRUCT cannot be written as."""
    graph = Graph(store=SPARQLStore(project_server.sparql, returnFormat="json"))
    assert sorted(str(row[0]) for row in graph.query(CHILDREN)) == EXPECTED_CHILDREN  # type: ignore[index]
    with pytest.raises(ValueError) as raised:
        graph.query(CONSTRUCT)
    assert isinstance(raised.value.__context__, HTTPError)
    assert raised.value.__context__.code == 406
