"""What real pages show besides the usual layout: NIST tags, another document's abstract, no `Also in`
or `Reasoning` line, and files that are not navigator pages at all."""

from __future__ import annotations

from collections.abc import Callable

from importer_helpers import select
from rdflib import RDF
from rdflib.namespace import SKOS

from mitigraph.importer.importing import ImportResult, PageImport
from mitigraph.importer.text import WarningKind
from mitigraph.iris import NIST_ACTOR_TASKS, NIST_GENAI_RISKS, Minter
from mitigraph.namespaces import MG

Importer = Callable[..., PageImport]
Batch = Callable[..., ImportResult]
MINT = Minter()


def test_nist_tags_become_links_to_labelled_concepts_of_their_schemes(imported: Importer) -> None:
    page = imported("nist_tags")
    tags = {
        (scheme, label)
        for scheme, label in select(
            page.graph,
            f"""SELECT ?scheme ?label WHERE {{
                {{ <{page.record}> mg:nistGenAIRisk ?c }} UNION {{ <{page.record}> mg:nistActorTask ?c }}
                ?c a skos:Concept ; skos:prefLabel ?label ; skos:inScheme ?scheme .
                ?scheme a skos:ConceptScheme }}""",
        )
    }
    risks, tasks = str(MINT.nist_scheme(NIST_GENAI_RISKS)), str(MINT.nist_scheme(NIST_ACTOR_TASKS))
    assert tags == {
        (risks, "Information Integrity"),
        (risks, "Dangerous, Violent, or Hateful Content"),
        (tasks, "Governance and Oversight"),
        (tasks, "Third-party entities"),
    }
    assert select(page.graph, f"SELECT ?t WHERE {{ <{page.record}> dcterms:description ?t }}") == []
    assert (page.record, MG.labelIsDerived, None) in page.derived_labels


def test_an_abstract_that_speaks_of_later_years_is_kept_and_doubted(imported: Importer) -> None:
    page = imported("abstract_of_another_document")
    rows = select(
        page.graph,
        f"""SELECT ?abstract ?doubt WHERE {{ <{page.record}> mg:citedIn ?s .
            ?s dcterms:abstract ?abstract ; mg:abstractDoubt ?doubt }}""",
    )
    assert len(rows) == 1
    abstract, doubt = rows[0]
    assert abstract is not None and abstract.startswith("This paper reviews 40 frameworks")
    assert doubt is not None and "2025" in doubt and "2022" in doubt
    assert [w.kind for w in page.warnings] == [WarningKind.ABSTRACT_DOUBT]


def test_an_abstract_of_its_own_years_raises_no_doubt(imported: Importer) -> None:
    page = imported("several_paragraphs")
    assert (None, MG.abstractDoubt, None) not in page.graph


def test_an_unclassifiable_record_gets_a_provisional_category_with_its_description(batch: Batch) -> None:
    result = batch("unclassifiable")
    page = result.pages[0]
    category = page.graph.value(page.record, MG.inCategory)
    assert category is not None
    graph = result.page_graph()
    assert str(graph.value(category, SKOS.definition)) == "Unclassifiable mitigations."
    assert graph.value(category, SKOS.notation) is None, "no code is invented"
    assert graph.value(category, MG.subcategoryOf) is None
    assert (MINT.taxonomy(), SKOS.hasTopConcept, category) in graph
    assert str(graph.value(category, MG.provisional)) == "true"


def test_a_page_without_reasoning_reads_its_heading_and_items(imported: Importer) -> None:
    page = imported("no_reasoning_with_items")
    assert select(page.graph, f"SELECT ?r WHERE {{ <{page.record}> mg:reasoning ?r }}") == []
    assert select(page.graph, f"SELECT ?h WHERE {{ <{page.record}> mg:pageHeading ?h }}") == [
        ("Impacts of Testing",)
    ]
    assert sorted(select(page.graph, "SELECT ?l WHERE { ?i mg:inCategory ?c ; rdfs:label ?l }")) == [
        ("Energy-aware evaluation suites",),
        ("Shared compute budgets",),
    ]
    assert {w.kind for w in page.warnings} == {WarningKind.NO_REASONING, WarningKind.NO_RECORD_TEXT}


def test_a_page_without_reasoning_or_items_keeps_its_text(imported: Importer) -> None:
    page = imported("missing_reasoning")
    assert select(page.graph, f"SELECT ?t WHERE {{ <{page.record}> dcterms:description ?t }}") == [
        ("Models are trained with feedback.",)
    ]
    assert (page.record, RDF.type, MG.Mitigation) in page.graph
