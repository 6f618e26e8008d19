"""Pages imported together complete each other: sources, one IRI per item, titles and codes of records,
and a taxonomy learnt with evidence (the `joined/` fixtures: pages of one source, and one more page)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from importer_helpers import select
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from mitigraph.importer.importing import ImportResult
from mitigraph.importer.text import WarningKind
from mitigraph.iris import Minter
from mitigraph.namespaces import MG

Batch = Callable[..., ImportResult]
MINT = Minter()
JOINED = ("joined/A9001", "joined/A9002", "joined/A9003", "joined/A9004")


@pytest.fixture
def joined(batch: Batch) -> ImportResult:
    return batch(*JOINED)


def graph_of(result: ImportResult) -> Graph:
    return result.combined()


def test_a_page_without_a_source_block_cites_the_source_its_group_shows(joined: ImportResult) -> None:
    record = MINT.page_record("A9002")
    assert select(graph_of(joined), f"SELECT ?t WHERE {{ <{record}> mg:citedIn/dcterms:title ?t }}") == [
        ("Deployment Safeguards Handbook",)
    ]
    page = next(page for page in joined.pages if page.page_id == "A9002")
    assert [w.kind for w in page.warnings if w.kind is WarningKind.SOURCE_FOUND_BY_JOIN] == [
        WarningKind.SOURCE_FOUND_BY_JOIN
    ]


def test_alone_the_same_page_says_that_its_source_is_not_shown(batch: Batch) -> None:
    alone = batch("joined/A9002")
    record = MINT.page_record("A9002")
    graph = graph_of(alone)
    assert (record, MG.sourceNotShown, Literal(True)) in graph
    assert (record, MG.citedIn, None) not in graph


def test_a_record_and_its_listing_on_another_page_are_one_node(joined: ImportResult) -> None:
    graph = graph_of(joined)
    for page_id, title in (
        ("A9002", "Escalate repeated abuse"),
        ("A9001", "Screen outputs with a harm classifier"),
    ):
        record = MINT.page_record(page_id)
        assert select(graph, f"SELECT ?l WHERE {{ <{record}> rdfs:label ?l }}") == [(title,)]
        assert (record, MG.labelIsDerived, None) not in graph
        assert len(select(graph, f'SELECT ?m WHERE {{ ?m rdfs:label "{title}" }}')) == 1


def test_an_item_listed_on_several_pages_is_one_node(joined: ImportResult) -> None:
    rows = select(
        graph_of(joined),
        'SELECT ?m ?page WHERE { ?m rdfs:label "Rate-limit new accounts" ; prov:wasDerivedFrom ?page }',
    )
    assert len({m for m, _ in rows}) == 1
    assert {page.rsplit("/", 1)[-1] for _, page in rows} == {"A9001", "A9002"}


def test_a_parent_records_page_lists_its_children_under_their_full_title(joined: ImportResult) -> None:
    rows = select(
        graph_of(joined),
        """SELECT ?m ?parent ?page WHERE { ?m rdfs:label "Retrain classifiers monthly" ;
            mg:partOf/rdfs:label ?parent ; prov:wasDerivedFrom ?page }""",
    )
    assert {(parent, page.rsplit("/", 1)[-1]) for _, parent, page in rows} == {
        ("Keep safeguards current", "A9001"),
        ("Keep safeguards current", "A9003"),
    }
    assert len({m for m, _, _ in rows}) == 1


def test_a_category_is_learnt_with_its_evidence(joined: ImportResult) -> None:
    category = MINT.category("2.3.9")
    taxonomy = joined.taxonomy
    assert taxonomy.value(category, SKOS.prefLabel) == Literal("Abuse Handling")
    assert taxonomy.value(category, SKOS.definition) == Literal(
        "Procedures for handling accounts that abuse a deployed system."
    )
    facts = select(
        taxonomy,
        f"""SELECT ?property ?provisional ?note WHERE {{ <{category}> mg:evidence ?e .
            ?e mg:learntProperty ?property ; mg:provisional ?provisional ; rdfs:comment ?note }}""",
    )
    by_property = {str(p).rsplit("#", 1)[-1]: (provisional, note) for p, provisional, note in facts}
    assert by_property["notation"][0] == "false" and by_property["prefLabel"][0] == "false", (
        "two pages show it"
    )
    assert by_property["definition"][0] == "true", "one page shows the description"
    assert "A9002 line 3" in (by_property["definition"][1] or "")
    assert (MINT.page_record("A9002"), MG.inCategory, category) in graph_of(joined)
    assert str(taxonomy.value(category, MG.provisional)) == "false", "its code is confirmed"


def test_the_last_description_under_a_parent_is_placed_by_elimination(joined: ImportResult) -> None:
    category = MINT.category("1.2.4")
    assert joined.taxonomy.value(category, SKOS.definition) == Literal(
        "Cryptographic protections for deployed models."
    )
    notes = select(
        joined.taxonomy,
        f"""SELECT ?note ?provisional WHERE {{ <{category}> mg:evidence ?e .
            ?e mg:learntProperty skos:definition ; rdfs:comment ?note ; mg:provisional ?provisional }}""",
    )
    assert len(notes) == 1 and "by elimination" in (notes[0][0] or "") and notes[0][1] == "true"


def test_the_order_of_the_pages_does_not_matter(batch: Batch, joined: ImportResult) -> None:
    assert isomorphic(graph_of(batch(*reversed(JOINED))), graph_of(joined))
