"""Reasoning over ontology + alignments + data: OWL RL (owlrl) and a second OWL tool (owlready2)."""

from __future__ import annotations

from pathlib import Path

import owlready2
import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from mitigraph.loader import load_files, ontology_files
from mitigraph.namespaces import AIRO, DPV, MG


@pytest.fixture(scope="module")
def closure(published: Graph) -> Graph:
    """The OWL 2 RL closure of the published graph (with the sample), computed once for these tests."""
    expanded = Graph() + published
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(expanded)
    return expanded


def test_nothing_is_a_member_of_owl_nothing(published: Graph, closure: Graph) -> None:
    assert len(closure) > len(published)
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []


def test_the_closure_raises_no_inconsistency(closure: Graph) -> None:
    """owlrl records a violated axiom as a triple about the ontology rather than failing."""
    assert [str(message) for message in closure.objects(None, ERRNS.error)] == []


@pytest.mark.parametrize("external", [AIRO.RiskControl, DPV.RiskMitigationMeasure])
def test_every_mitigation_is_typed_as_the_external_class(
    closure: Graph, mitigations: list[URIRef], external: URIRef
) -> None:
    untyped = [m for m in mitigations if (m, RDF.type, external) not in closure]
    assert untyped == []


@pytest.mark.parametrize(
    ("ours", "standard"),
    [(MG.inCategory, DCTERMS.subject), (MG.citedIn, DCTERMS.source), (MG.subcategoryOf, SKOS.broader)],
)
def test_our_statements_entail_the_standard_ones(
    published: Graph, closure: Graph, ours: URIRef, standard: URIRef
) -> None:
    stated = list(published.subject_objects(ours))
    assert stated
    assert [(s, o) for s, o in stated if (s, standard, o) not in closure] == []


def test_no_two_categories_are_inferred_to_be_the_same(closure: Graph) -> None:
    """mg:inCategory is functional: a record in two categories would make them owl:sameAs."""
    categories = set(closure.subjects(RDF.type, MG.Category))
    merged = [(a, b) for a, b in closure.subject_objects(OWL.sameAs) if a != b and a in categories]
    assert merged == []


def test_the_ontology_loads_in_owlready2(tmp_path: Path) -> None:
    """A second OWL tool reads ontology, alignments and extract (as N-Triples) without an error."""
    path = tmp_path / "ontology.nt"
    path.write_bytes(load_files(ontology_files()).graph.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()
    mitigation = world[str(MG.Mitigation)]
    assert mitigation is not None, "owlready2 did not see mg:Mitigation"
    parents = {getattr(parent, "iri", None) for parent in mitigation.is_a}
    assert {str(AIRO.RiskControl), str(DPV.RiskMitigationMeasure)} <= parents
    assert len(list(ontology.classes())) >= 10
