"""The alignments (ontology/alignments.ttl) and mappings (ontology/mappings.ttl) the graph states."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from mitigraph.alignments import (
    MAPPING_PREDICATES,
    MATCH_PREDICATES,
    AlignmentError,
    mappings,
    mappings_of,
    unannotated_matches,
)
from mitigraph.iris import ACTOR, FACETS, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION, Minter
from mitigraph.loader import load_files, ontology_files, reference_data_files
from mitigraph.namespaces import AIRO, DEFAULT_BASE, DPV, DPV_AI, MG, NIST_AI_RMF, VAIR
from mitigraph.vocab_extract import PINNED_VOCABULARIES, vocabulary_of

MINTER = Minter()


@pytest.fixture(scope="module")
def reference() -> Graph:
    """Ontology files and the taxonomy and facet values they map (no page data needed)."""
    return load_files(ontology_files() + reference_data_files()).graph


@pytest.mark.parametrize("superclass", [AIRO.RiskControl, DPV.RiskMitigationMeasure])
def test_a_mitigation_is_a_subclass_of_the_external_risk_control(
    reference: Graph, superclass: URIRef
) -> None:
    assert (MG.Mitigation, RDFS.subClassOf, superclass) in reference


def test_nothing_of_ours_is_declared_equivalent_to_an_external_class(reference: Graph) -> None:
    ours = [(s, o) for s, o in reference.subject_objects(OWL.equivalentClass) if str(s).startswith(str(MG))]
    assert ours == []


@pytest.mark.parametrize(
    ("ours", "standard"),
    [
        (MG.subcategoryOf, SKOS.broader),
        (MG.inCategory, DCTERMS.subject),
        (MG.citedIn, DCTERMS.source),
    ],
)
def test_our_properties_specialise_the_standard_ones(
    reference: Graph, ours: URIRef, standard: URIRef
) -> None:
    assert (ours, RDFS.subPropertyOf, standard) in reference
    assert any(
        m.predicate == RDFS.subPropertyOf and m.object == standard for m in mappings_of(reference, ours)
    )


def test_every_mapping_carries_a_one_line_rationale(reference: Graph) -> None:
    found = mappings(reference)
    assert len(found) >= 50
    for mapping in found:
        assert mapping.predicate in MAPPING_PREDICATES
        assert mapping.rationale and "\n" not in mapping.rationale, mapping
    assert unannotated_matches(reference) == []


def test_every_mapped_term_of_ours_and_theirs_has_a_label(reference: Graph) -> None:
    unlabelled = [m for m in mappings(reference) if not m.subject_label or not m.object_label]
    assert unlabelled == []


def _minted_concepts(reference: Graph) -> set[URIRef]:
    """Every category and facet value IRI as the Minter mints it from the reference data."""
    minted = {MINTER.category(str(code)) for code in reference.objects(None, SKOS.notation)}
    for facet in FACETS:
        for value in reference.subjects(SKOS.inScheme, MINTER.facet_scheme(facet)):
            minted.add(MINTER.facet_value(facet, str(reference.value(value, SKOS.prefLabel))))
    return minted


def test_mapped_concepts_are_our_minted_categories_and_facet_values(reference: Graph) -> None:
    ours = {m.subject for m in mappings(reference) if str(m.subject).startswith(DEFAULT_BASE)}
    assert ours, "no category or facet value is mapped"
    assert ours - _minted_concepts(reference) == set()


def _objects_by_vocabulary(reference: Graph, subject: URIRef) -> dict[str, set[URIRef]]:
    found: dict[str, set[URIRef]] = defaultdict(set)
    for mapping in mappings_of(reference, subject):
        vocabulary = vocabulary_of(str(mapping.object))
        key = (
            vocabulary.key
            if vocabulary
            else ("nist" if str(mapping.object).startswith(str(NIST_AI_RMF)) else "")
        )
        found[key].add(mapping.object)
    return found


LIFECYCLE_WITH_MATCHES = (
    "Plan and Design",
    "Collect and Process Data",
    "Build and Use Model",
    "Verify and Validate",
    "Deploy",
    "Operate and Monitor",
)


@pytest.mark.parametrize("name", LIFECYCLE_WITH_MATCHES)
def test_each_lifecycle_stage_meets_nist_vair_and_dpv_ai(reference: Graph, name: str) -> None:
    found = _objects_by_vocabulary(reference, MINTER.facet_value(LIFECYCLE_STAGE, name))
    assert found["nist"] and found["vair"], found
    assert any(str(iri).startswith(str(DPV_AI)) for iri in found["dpv"]), found


@pytest.mark.parametrize("name", ["Govern", "Map", "Measure", "Manage"])
def test_each_function_is_exactly_its_nist_ai_rmf_core_function(reference: Graph, name: str) -> None:
    value = MINTER.facet_value(RISK_MANAGEMENT_FUNCTION, name)
    assert (value, SKOS.exactMatch, NIST_AI_RMF[f"FunctionEnum#{name.upper()}"]) in reference


@pytest.mark.parametrize(
    ("name", "external"), [("Developer", AIRO.AIDeveloper), ("Deployer", AIRO.AIDeployer)]
)
def test_developers_and_deployers_meet_their_airo_actors(
    reference: Graph, name: str, external: URIRef
) -> None:
    value = MINTER.facet_value(ACTOR, name)
    assert any((value, predicate, external) in reference for predicate in MATCH_PREDICATES)


@pytest.mark.parametrize(
    "name", ["Unable to classify", "Other (multiple stages)", "Other (outside lifecycle)"]
)
def test_stages_with_no_honest_match_have_none(reference: Graph, name: str) -> None:
    assert mappings_of(reference, MINTER.facet_value(LIFECYCLE_STAGE, name)) == []


def test_no_concept_is_an_exact_match_of_two_terms_of_one_vocabulary(reference: Graph) -> None:
    """exactMatch is transitive: two exact matches in one vocabulary would make its two terms one."""
    exact: dict[tuple[URIRef, str], list[URIRef]] = defaultdict(list)
    for mapping in mappings(reference):
        if mapping.predicate == SKOS.exactMatch:
            vocabulary = vocabulary_of(str(mapping.object))
            exact[(mapping.subject, vocabulary.key if vocabulary else "other")].append(mapping.object)
    assert {key: objects for key, objects in exact.items() if len(objects) > 1} == {}


def test_the_mappings_reach_every_pinned_vocabulary(reference: Graph) -> None:
    reached = {vocabulary_of(str(m.object)) for m in mappings(reference)}
    assert {v.key for v in PINNED_VOCABULARIES} <= {v.key for v in reached if v}
    assert any(str(m.object).startswith(str(VAIR)) for m in mappings(reference))


# ---------------------------------------------------------------- a half-stated mapping is refused

OURS = URIRef(DEFAULT_BASE + "actor/developer")


def _axiom(graph: Graph, *, comment: str | None) -> None:
    axiom = URIRef("urn:example:axiom")
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, OURS))
    graph.add((axiom, OWL.annotatedProperty, SKOS.closeMatch))
    graph.add((axiom, OWL.annotatedTarget, AIRO.AIDeveloper))
    if comment is not None:
        graph.add((axiom, RDFS.comment, Literal(comment)))


def test_a_rationale_without_its_plain_triple_is_refused() -> None:
    graph = Graph()
    _axiom(graph, comment="Both develop AI systems.")
    with pytest.raises(AlignmentError, match="plain triple is missing") as error:
        mappings(graph)
    assert str(OURS) in str(error.value) and str(AIRO.AIDeveloper) in str(error.value)


def test_a_mapping_without_a_rationale_is_refused() -> None:
    graph = Graph()
    graph.add((OURS, SKOS.closeMatch, AIRO.AIDeveloper))
    _axiom(graph, comment=None)
    with pytest.raises(AlignmentError, match="no rdfs:comment"):
        mappings(graph)


def test_a_plain_match_without_an_axiom_is_reported() -> None:
    graph = Graph()
    graph.add((OURS, SKOS.closeMatch, AIRO.AIDeveloper))
    assert unannotated_matches(graph) == [(OURS, SKOS.closeMatch, AIRO.AIDeveloper)]
