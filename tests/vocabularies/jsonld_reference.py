"""The reference our JSON-LD is compared with: pyld's compaction of the same graph with the published context,
and what both read back as.

pyld turns RDF into expanded JSON-LD (`from_rdf`, lists as `@list`, booleans and integers as JSON values)
and compacts that; its `from_rdf` takes minutes at 20,000 triples, so `pyld_record_compaction` compacts one
record at a time: a subject's triples and the cells of the lists it points to, which is all pyld's
compaction of that subject's node object depends on.
"""

from __future__ import annotations

import io
import json
from typing import Any

from pyld import jsonld
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Store
from rdflib import Graph

from mitigraph.jsonld import blank_list_cells, context_terms, write_jsonld
from mitigraph.loader import rdflib_graph

RDF_FIRST = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
RDF_REST = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
PYLD_FROM_RDF = {"format": "application/n-quads", "useNativeTypes": True}


def compact_document(store: Store) -> dict[str, Any]:
    """Our whole-graph document for the store, as `mitigraph export --format jsonld` writes it."""
    output = io.BytesIO()
    write_jsonld(store, output)
    document: dict[str, Any] = json.loads(output.getvalue())
    return document


def pyld_compaction(graph: Graph) -> dict[str, Any]:
    """pyld's compaction of the whole graph (list cells blank, as JSON-LD writes them)."""
    nquads = blank_list_cells(graph).serialize(format="nt", encoding="utf-8").decode("utf-8")
    compacted: dict[str, Any] = jsonld.compact(
        jsonld.from_rdf(nquads, PYLD_FROM_RDF), context_terms(), {"graph": True}
    )
    return compacted


def pyld_record_compaction(store: Store, subject: NamedNode | BlankNode) -> dict[str, Any]:
    """pyld's node object for `subject`: its triples and the cells of its lists, compacted."""
    quads = list(store.quads_for_pattern(subject, None, None, DefaultGraph()))
    pending = [quad.object for quad in quads]
    seen: set[object] = set()
    while pending:
        node = pending.pop()
        if node in seen or not isinstance(node, NamedNode | BlankNode):
            continue
        seen.add(node)
        if next(iter(store.quads_for_pattern(node, RDF_FIRST, None, DefaultGraph())), None) is None:
            continue
        cell = list(store.quads_for_pattern(node, None, None, DefaultGraph()))
        quads.extend(cell)
        pending.extend(quad.object for quad in cell if quad.predicate == RDF_REST)
    graph = blank_list_cells(rdflib_graph(quads))
    nquads = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    compacted = jsonld.compact(jsonld.from_rdf(nquads, PYLD_FROM_RDF), context_terms(), {"graph": True})
    named = isinstance(subject, NamedNode)
    nodes = [node for node in compacted["@graph"] if named != node["@id"].startswith("_:")]
    assert len(nodes) == 1, (subject, compacted["@graph"])
    return dict(nodes[0])


def normalised(node: dict[str, Any]) -> dict[str, list[str]]:
    """A node object with each key's values as a sorted list of JSON texts, blank-node labels as `_:`."""

    def text(value: Any) -> str:
        return json.dumps(_without_blank_labels(value), sort_keys=True, ensure_ascii=False)

    return {
        key: sorted(
            text(item) for item in (value if isinstance(value, list) and key != "authors" else [value])
        )
        for key, value in node.items()
    }


def node_table(document: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Every node object named by an IRI, normalised, by `@id`."""
    return {node["@id"]: normalised(node) for node in document["@graph"] if not node["@id"].startswith("_:")}


def _without_blank_labels(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("_:"):
        return "_:"
    if isinstance(value, list):
        return [_without_blank_labels(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_blank_labels(item) for key, item in value.items()}
    return value


def written_as_rdf(document: dict[str, Any]) -> Graph:
    """The graph a JSON-LD document states, as pyld reads it (its context is inline)."""
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")
