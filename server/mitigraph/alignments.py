"""Read the alignments and mappings to external vocabularies out of a graph, with their rationales and labels.

`ontology/alignments.ttl` (our classes and properties) and `ontology/mappings.ttl` (our facet values and
categories) state each mapping twice: the plain triple that SPARQL users join on, and an `owl:Axiom`
annotating that triple with a one-line rationale (`rdfs:comment`). This module turns the pair into one
`Mapping` for the SSSOM export, the ontology documentation and the pages, and refuses a half-stated one.
On a large graph, `mapping_graph(store)` reads just what mappings need out of the store first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import QueryTriples, Store
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from mitigraph.loader import rdflib_graph
from mitigraph.namespaces import DEFAULT_BASE, ONTOLOGY_IRI

MATCH_PREDICATES: tuple[URIRef, ...] = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)
SCHEMA_PREDICATES: tuple[URIRef, ...] = (RDFS.subClassOf, RDFS.subPropertyOf)
MAPPING_PREDICATES: tuple[URIRef, ...] = MATCH_PREDICATES + SCHEMA_PREDICATES
"""The predicates a mapping may use; owl:equivalentClass is deliberately absent (nothing external is ours)."""

LABEL_PREDICATES: tuple[URIRef, ...] = (SKOS.prefLabel, RDFS.label)

MAPPING_GRAPH_QUERY = f"""
PREFIX owl: <{OWL}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
CONSTRUCT {{
  ?axiom ?annotation ?value .
  ?source ?property ?target .
  ?term ?labelling ?label .
  ?ontology ?about ?fact .
}}
WHERE {{
  {{ ?axiom a owl:Axiom ; ?annotation ?value . }}
  UNION {{
    ?axiom a owl:Axiom ;
      owl:annotatedSource ?source ; owl:annotatedProperty ?property ; owl:annotatedTarget ?target .
    ?source ?property ?target .
  }}
  UNION {{
    VALUES ?labelling {{ skos:prefLabel rdfs:label }}
    ?axiom a owl:Axiom ; owl:annotatedSource|owl:annotatedTarget ?term .
    ?term ?labelling ?label .
  }}
  UNION {{
    VALUES ?ontology {{ <{ONTOLOGY_IRI}> }}
    ?ontology ?about ?fact .
  }}
}}
"""
"""What the mappings are read from: every owl:Axiom, the plain triple it annotates, the labels of both
terms, and the ontology's own statements (version, licence)."""


class AlignmentError(ValueError):
    """A mapping is stated only in part (no plain triple, no rationale, an unsupported predicate)."""


@dataclass(frozen=True, order=True)
class Mapping:
    """One mapping of our term (`subject`) to an external one (`object`), and why it holds."""

    subject: URIRef
    predicate: URIRef
    object: URIRef
    rationale: str
    subject_label: str | None = None
    object_label: str | None = None


def label_of(graph: Graph, term: Node) -> str | None:
    """The label a reader should see: skos:prefLabel, else rdfs:label; English or untagged first."""
    for predicate in LABEL_PREDICATES:
        values = [value for value in graph.objects(term, predicate) if isinstance(value, Literal)]
        preferred = sorted(value for value in values if value.language in (None, "en"))
        if preferred:
            return str(preferred[0])
    return None


def _annotations(graph: Graph) -> Iterable[tuple[Node, Node | None, Node | None, Node | None]]:
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        yield (
            axiom,
            graph.value(axiom, OWL.annotatedSource),
            graph.value(axiom, OWL.annotatedProperty),
            graph.value(axiom, OWL.annotatedTarget),
        )


def _mapping_from_axiom(graph: Graph, axiom: Node, source: Node, prop: Node, target: Node) -> Mapping | None:
    """The Mapping an axiom annotates, None when it annotates something that is not a mapping."""
    if prop not in MAPPING_PREDICATES:
        return None
    where = f"the mapping <{source}> <{prop}> <{target}>"
    if not isinstance(source, URIRef) or not isinstance(target, URIRef):
        raise AlignmentError(f"{where}: source and target must be IRIs")
    assert isinstance(prop, URIRef)
    if (source, prop, target) not in graph:
        raise AlignmentError(
            f"{where}: the plain triple is missing, so SPARQL users would not see the mapping"
        )
    rationale = graph.value(axiom, RDFS.comment)
    if not isinstance(rationale, Literal) or not str(rationale).strip():
        raise AlignmentError(f"{where}: no rdfs:comment giving the rationale")
    return Mapping(
        subject=source,
        predicate=prop,
        object=target,
        rationale=" ".join(str(rationale).split()),
        subject_label=label_of(graph, source),
        object_label=label_of(graph, target),
    )


def mappings(graph: Graph) -> list[Mapping]:
    """Every annotated mapping in `graph`, sorted; raises AlignmentError on a half-stated one."""
    found = set()
    for axiom, source, prop, target in _annotations(graph):
        if source is None or prop is None or target is None:
            raise AlignmentError(
                f"owl:Axiom {axiom}: needs owl:annotatedSource, owl:annotatedProperty and owl:annotatedTarget"
            )
        mapping = _mapping_from_axiom(graph, axiom, source, prop, target)
        if mapping is not None:
            found.add(mapping)
    return sorted(found)


def unannotated_matches(graph: Graph) -> list[tuple[URIRef, URIRef, URIRef]]:
    """skos:*Match triples that carry no rationale: each mapping we publish must say why it holds."""
    annotated = {(m.subject, m.predicate, m.object) for m in mappings(graph)}
    plain = {
        (s, p, o)
        for p in MATCH_PREDICATES
        for s, o in graph.subject_objects(p)
        if isinstance(s, URIRef) and isinstance(o, URIRef)
    }
    return sorted(plain - annotated)


def mappings_of(graph: Graph, subject: URIRef) -> list[Mapping]:
    """The mappings of one of our terms (for its page: each external term shown with its label)."""
    return [mapping for mapping in mappings(graph) if mapping.subject == subject]


def mapping_graph(store: Store, *, base: str = DEFAULT_BASE) -> Graph:
    """The part of the store's graph that `mappings` reads (MAPPING_GRAPH_QUERY), as a small rdflib graph,
    so the mappings of a graph of a million triples are read without building all of it in rdflib."""
    result = store.query(MAPPING_GRAPH_QUERY)
    assert isinstance(result, QueryTriples), "MAPPING_GRAPH_QUERY is a CONSTRUCT query"
    return rdflib_graph(result, base=base)
