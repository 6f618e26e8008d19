"""The ontology parses, every term is documented, the contract terms exist, OWL RL finds no contradiction."""

from __future__ import annotations

import owlrl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from mitigraph.loader import LoadedGraph, load_files, ontology_files
from mitigraph.namespaces import MG, ONTOLOGY_IRI

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

CONTRACT_CLASSES = (
    "Mitigation",
    "Category",
    "Source",
    "Limitation",
    "LifecycleStage",
    "Actor",
    "RiskManagementFunction",
)
CONTRACT_OBJECT_PROPERTIES = {
    "inCategory": ("Mitigation", "Category"),
    "subcategoryOf": ("Category", "Category"),
    "citedIn": ("Mitigation", "Source"),
    "partOf": ("Mitigation", "Mitigation"),
    "hasLimitation": ("Mitigation", "Limitation"),
    "addressesLimitation": ("Mitigation", "Limitation"),
    "lifecycleStage": ("Mitigation", "LifecycleStage"),
    "actor": ("Mitigation", "Actor"),
    "riskManagementFunction": ("Mitigation", "RiskManagementFunction"),
}
CONTRACT_DATATYPE_PROPERTIES = ("reasoning", "navigatorId")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_files(ontology_files()).graph


def our_terms(graph: Graph) -> list[URIRef]:
    terms = {s for kind in TERM_KINDS for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(MG))}
    return sorted(terms)  # type: ignore[arg-type]


def test_the_ontology_declares_itself_with_version_title_licence_and_creator(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    for predicate in (
        OWL.versionIRI,
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.modified,
    ):
        assert ontology.value(header, predicate) is not None, f"the ontology header lacks {predicate}"


def test_the_ontology_files_parse_through_the_loader(ontology: Graph) -> None:
    assert len(our_terms(ontology)) >= len(CONTRACT_CLASSES) + len(CONTRACT_OBJECT_PROPERTIES)


def test_every_term_is_labelled_defined_and_attributed(ontology: Graph) -> None:
    problems = []
    for term in our_terms(ontology):
        if ontology.value(term, RDFS.label) is None:
            problems.append(f"{term} has no rdfs:label")
        if ontology.value(term, SKOS.definition) is None and ontology.value(term, RDFS.comment) is None:
            problems.append(f"{term} has no definition (skos:definition or rdfs:comment)")
        if ontology.value(term, RDFS.isDefinedBy) != URIRef(ONTOLOGY_IRI):
            problems.append(f"{term} is not rdfs:isDefinedBy {ONTOLOGY_IRI}")
    assert problems == []


def test_every_property_has_a_range(ontology: Graph) -> None:
    properties = [t for t in our_terms(ontology) if (t, RDF.type, OWL.Class) not in ontology]
    assert [p for p in properties if ontology.value(p, RDFS.range) is None] == []


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class_exists(ontology: Graph, name: str) -> None:
    assert (MG[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", ["Category", "LifecycleStage", "Actor", "RiskManagementFunction"])
def test_concept_classes_are_skos_concepts(ontology: Graph, name: str) -> None:
    assert SKOS.Concept in set(ontology.transitive_objects(MG[name], RDFS.subClassOf))


@pytest.mark.parametrize(("name", "domain_range"), CONTRACT_OBJECT_PROPERTIES.items())
def test_contract_object_property_has_its_domain_and_range(
    ontology: Graph, name: str, domain_range: tuple[str, str]
) -> None:
    domain, range_ = domain_range
    assert (MG[name], RDF.type, OWL.ObjectProperty) in ontology
    assert ontology.value(MG[name], RDFS.domain) == MG[domain]
    assert ontology.value(MG[name], RDFS.range) == MG[range_]


@pytest.mark.parametrize("name", CONTRACT_DATATYPE_PROPERTIES)
def test_contract_datatype_property_exists(ontology: Graph, name: str) -> None:
    assert (MG[name], RDF.type, OWL.DatatypeProperty) in ontology


def test_in_category_is_functional_and_subcategory_of_refines_skos_broader(ontology: Graph) -> None:
    assert (MG.inCategory, RDF.type, OWL.FunctionalProperty) in ontology
    assert (MG.subcategoryOf, RDFS.subPropertyOf, SKOS.broader) in ontology
    assert (MG.citedIn, OWL.inverseOf, MG.cites) in ontology


def test_owl_rl_closure_of_ontology_and_data_has_no_member_of_owl_nothing(project: LoadedGraph) -> None:
    closure = Graph()
    closure += project.graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []
