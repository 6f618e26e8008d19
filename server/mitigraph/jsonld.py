"""JSON-LD for developers who have never seen RDF: one published context, one compaction, one framed record.

`context()` is the document served at `/context.jsonld`: short keys (`label`, `category`, `citedIn`,
`authors`, ...) for our terms, with the value types declared, so a record reads as plain JSON. The keys are
data, kept beside the ontology in `ontology/jsonld-terms.json`; the prefixes are mitigraph.namespaces'. Every
JSON-LD Mitigraph writes of a graph (the export, the download, a page's RDF) is `write_jsonld`: the context
inline, then one node object per subject, compacted with the context (mitigraph.jsonld_compaction) and
streamed from the store record by record. One mitigation frames into a single nested object
(`framed_mitigation`): its category, source (with its authors in order) and facet values inside it, with
`@id` its IRI. Reading any of them back never needs the network. `@id`s are full IRIs, which a reader can
open in a browser. Values in English (the ontology's and other vocabularies' labels) use `labelEn` /
`definitionEn`; text taken from pages uses `label`. A JSON-LD list cannot name its cells, so IRI-named cells
of the author lists are written as blank nodes (`blank_list_cells`); read back, a document gives that graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryTriples,
    Store,
    Triple,
    Variable,
)
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from mitigraph.assets import ontology_dir
from mitigraph.jsonld_document import write_document
from mitigraph.loader import rdflib_graph
from mitigraph.namespaces import DEFAULT_BASE, MG, PREFIXES
from mitigraph.outputs import BinaryOutput

CONTEXT_PATH = "/context.jsonld"

TERMS_FILE_NAME = "jsonld-terms.json"
"""The context's short keys for classes and properties (data, beside the ontology); the prefixes come from
mitigraph.namespaces."""


class JsonLdError(ValueError):
    """A JSON-LD document cannot be made (for example: the IRI is not a mitigation in the graph)."""


@cache
def declared_terms() -> dict[str, Any]:
    """The short keys `ontology/jsonld-terms.json` declares, classes then properties, in the file's order."""
    return read_terms(ontology_dir() / TERMS_FILE_NAME)


def read_terms(path: Path) -> dict[str, Any]:
    """The `classes` and `properties` tables of a file of JSON-LD terms; JsonLdError names the file."""
    try:
        declared = json.loads(path.read_text(encoding="utf-8"))
        return {**declared["classes"], **declared["properties"]}
    except (OSError, ValueError) as error:
        raise JsonLdError(f"{path}: {error}") from error
    except (KeyError, TypeError) as error:
        raise JsonLdError(f"{path}: expected an object with the tables 'classes' and 'properties'") from error


DESCRIPTION_QUERY = """
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX mg: <https://w3id.org/mitigraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

CONSTRUCT {
  ?mitigation ?p ?o .
  ?o ?summary ?value .
  ?source bibo:authorList ?list .
  ?cell rdf:first ?author ; rdf:rest ?next .
  ?author ?authorSummary ?authorValue .
  ?facet ?match ?external .
  ?external rdfs:label ?externalLabel .
}
WHERE {
  ?mitigation a mg:Mitigation .
  {
    ?mitigation ?p ?o .
  } UNION {
    ?mitigation ?linking ?o .
    FILTER(isIRI(?o) && ?linking != rdf:type)
    VALUES ?summary {
      rdf:type rdfs:label skos:prefLabel skos:notation skos:definition dcterms:title dcterms:issued foaf:name
    }
    ?o ?summary ?value .
  } UNION {
    ?mitigation mg:citedIn ?source .
    ?source bibo:authorList ?list .
    ?list rdf:rest* ?cell .
    ?cell rdf:first ?author ; rdf:rest ?next .
    OPTIONAL {
      VALUES ?authorSummary { rdf:type foaf:name }
      ?author ?authorSummary ?authorValue .
    }
  } UNION {
    VALUES ?facetProperty { mg:lifecycleStage mg:actor mg:riskManagementFunction }
    VALUES ?match { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
    ?mitigation ?facetProperty ?facet .
    ?facet ?match ?external .
    OPTIONAL { ?external rdfs:label ?externalLabel }
  }
}
"""
"""What a mitigation's JSON-LD says, with `?mitigation` bound: its own triples; the type and label-like
values of each node they point to (category, source, page, facet values, ...); the source's authors in
order; and its facet values' links to other vocabularies, with the external terms' labels. Oxigraph runs
it (rdflib would evaluate it for every mitigation before binding one)."""


def context_terms() -> dict[str, Any]:
    """The term definitions: vocabulary prefixes, classes and short keys.

    There is deliberately no prefix for our own instances: `@id` values stay full IRIs, which a reader can
    open in a browser, under whatever base this deployment serves.
    """
    return {**PREFIXES, **declared_terms()}


def context() -> dict[str, Any]:
    """The published context document, served at /context.jsonld."""
    return {"@context": context_terms()}


def _no_remote_documents(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Our documents carry their context inline; a remote context is refused rather than fetched."""
    raise jsonld.JsonLdError(f"refusing to load the remote document {url}", "loading document failed")


_PYLD_OPTIONS = {"documentLoader": _no_remote_documents}


def blank_list_cells(graph: Graph) -> Graph:
    """The graph with every IRI-named RDF list cell (such as `source/x#authors-1`) made a blank node.

    A JSON-LD `@list` has no names for its cells, so this is the graph our JSON-LD documents state: the
    authors keep their order, only the cells' own IRIs are left out. Everything else is unchanged.
    """
    named: dict[Node, Node] = {
        cell: BNode() for cell in graph.subjects(RDF.first) if isinstance(cell, URIRef)
    }
    if not named:
        return graph
    result = Graph()
    for s, p, o in graph:
        result.add((named.get(s, s), p, named.get(o, o)))
    return result


def _expanded(graph: Graph) -> list[dict[str, Any]]:
    """The graph as expanded JSON-LD; lists become `@list`, booleans and numbers native JSON."""
    nquads = blank_list_cells(graph).serialize(format="nt", encoding="utf-8").decode("utf-8")
    options = {**_PYLD_OPTIONS, "format": "application/n-quads", "useNativeTypes": True}
    return jsonld.from_rdf(nquads, options)


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def describe_mitigation(store: Store, iri: URIRef) -> Graph:
    """DESCRIPTION_QUERY for `iri`, run by Oxigraph; raises JsonLdError when `iri` is not a mitigation."""
    result = store.query(DESCRIPTION_QUERY, substitutions={Variable("mitigation"): NamedNode(str(iri))})
    assert isinstance(result, QueryTriples), "DESCRIPTION_QUERY is a CONSTRUCT query"
    description = rdflib_graph(result)
    if (iri, RDF.type, MG.Mitigation) not in description:
        raise JsonLdError(f"{iri} is not a mitigation in this graph")
    return description


def frame_description(description: Graph, iri: URIRef) -> dict[str, Any]:
    """One mitigation as one JSON object (`@id` its IRI) with what it points to nested inside it.

    `description` is what `describe_mitigation` returns for `iri`.
    """
    if (iri, RDF.type, MG.Mitigation) not in description:
        raise JsonLdError(f"{iri} is not a mitigation in this description")
    frame = {"@context": context_terms(), "@id": str(iri)}
    options = {**_PYLD_OPTIONS, "embed": "@always", "omitGraph": True}
    framed = jsonld.frame(_expanded(description), frame, options)
    return framed


def framed_mitigation(store: Store, iri: URIRef) -> dict[str, Any]:
    """The framed JSON-LD of the mitigation `iri` in `store`, as /id/mitigation/...?format=jsonld gives it."""
    return frame_description(describe_mitigation(store, iri), iri)


def write_jsonld(
    source: Store | Iterable[Triple | Quad], output: BinaryOutput, *, base: str = DEFAULT_BASE
) -> None:
    """The default graph of a store (or a few triples) as `{"@context": <the published context>, "@graph":
    [node, ...]}`, one node object per subject, streamed (see mitigraph.jsonld_document).

    `@id`s are full IRIs whatever `base` is (the context has no prefix for our instances).
    """
    del base
    write_document(source, output, context_terms())
