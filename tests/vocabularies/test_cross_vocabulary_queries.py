"""The cross-vocabulary example queries (queries/09-12), run by Oxigraph over the published graph.

The endpoint serves asserted triples only, so each query's answer is compared with what the mappings
(and, for AIRO's risk controls, the OWL RL closure) say it should be, computed here with rdflib.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import owlrl
import pytest
from pyoxigraph import QuerySolutions, Store
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from mitigraph.alignments import MATCH_PREDICATES
from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.namespaces import AIRO, MG
from mitigraph.store import memory_store

VAIR_ONTOLOGY = URIRef("https://w3id.org/vair")
NIST_MODEL = URIRef("https://w3id.org/lmodel/nist-ai-rmf")
MEMBERSHIP_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)


@pytest.fixture(scope="module")
def store(published: Graph) -> Store:
    return memory_store(published)


def example(name: str) -> ExampleQuery:
    found = [query for query in example_queries() if query.iri.endswith("/" + name)]
    assert len(found) == 1, f"no example query {name}"
    return found[0]


def rows(store: Store, query: ExampleQuery) -> list[dict[str, str]]:
    solutions = store.query(query.query)
    assert isinstance(solutions, QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def defined_by(graph: Graph, term: URIRef, vocabulary: URIRef) -> bool:
    return (term, RDFS.isDefinedBy, vocabulary) in graph


def test_mitigations_by_vair_lifecycle_phase(published: Graph, store: Store) -> None:
    expected = {
        (str(mitigation), str(phase))
        for mitigation, stage in published.subject_objects(MG.lifecycleStage)
        for match in MATCH_PREDICATES
        for phase in published.objects(stage, match)
        if defined_by(published, phase, VAIR_ONTOLOGY)
    }
    found = rows(store, example("mitigations-by-vair-lifecycle-phase"))
    assert expected, "the data tags no mitigation with a stage mapped to VAIR"
    assert {(row["mitigation"], row["phase"]) for row in found} == expected
    assert all(row["phaseLabel"] for row in found)


def test_risk_controls_addressing_limitations_agree_with_owl_rl(published: Graph, store: Store) -> None:
    closure = Graph() + published
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    expected = {
        (str(control), str(limitation))
        for control, limitation in closure.subject_objects(MG.addressesLimitation)
        if (control, RDF.type, AIRO.RiskControl) in closure
    }
    found = rows(store, example("risk-controls-addressing-limitations"))
    assert expected, "the data holds no curated mg:addressesLimitation link"
    assert {(row["control"], row["limitation"]) for row in found} == expected


def test_mitigations_in_nist_ai_rmf_terms(published: Graph, store: Store) -> None:
    expected = {
        (str(mitigation), str(nist))
        for mitigation, function in published.subject_objects(MG.riskManagementFunction)
        for nist in published.objects(function, SKOS.exactMatch)
        if defined_by(published, nist, NIST_MODEL)
    }
    found = rows(store, example("mitigations-in-nist-ai-rmf-terms"))
    assert expected
    assert {(row["mitigation"], row["function"]) for row in found} == expected
    staged = [row for row in found if "stage" in row]
    assert staged and all(row["stageLabel"] for row in staged)


def _ancestors(graph: Graph, category: URIRef) -> set[URIRef]:
    return set(graph.transitive_objects(category, MG.subcategoryOf))  # includes the category itself


def test_mitigations_counted_as_measure_kinds(published: Graph, store: Store) -> None:
    kinds_of: dict[URIRef, set[URIRef]] = defaultdict(set)
    for mitigation, category in published.subject_objects(MG.inCategory):
        kinds_of[mitigation].update(
            kind
            for ancestor in _ancestors(published, category)
            for match in MEMBERSHIP_MATCHES
            for kind in published.objects(ancestor, match)
            if (kind, RDFS.isDefinedBy, None) in published
        )
    expected = Counter(str(kind) for kinds in kinds_of.values() for kind in kinds)
    found = rows(store, example("mitigations-as-dpv-and-vair-measures"))
    assert expected
    assert {row["kind"]: int(row["mitigations"]) for row in found} == dict(expected)
