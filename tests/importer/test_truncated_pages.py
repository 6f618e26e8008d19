"""Pages the archive cut off: every complete block imports, the cut-off line never does, and both the
record and its page say that the page is incomplete, with one warning per page."""

from __future__ import annotations

from collections.abc import Callable

from importer_helpers import select
from rdflib import Literal
from tests.support.paths import PAGE_FIXTURES

from mitigraph.importer.importing import PageImport
from mitigraph.importer.text import WarningKind
from mitigraph.namespaces import MG

Importer = Callable[..., PageImport]


def last_line(name: str) -> str:
    return (PAGE_FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()[-1]


def literals(page: PageImport) -> set[str]:
    graphs = page.graph + page.derived_labels
    return {str(value) for value in graphs.objects() if isinstance(value, Literal)}


def paragraphs(page: PageImport) -> set[str]:
    """Every paragraph of every text the page graph holds: a kept line would be one of them."""
    return {paragraph for text in literals(page) for paragraph in text.split("\n\n")}


def test_a_page_cut_in_its_list_keeps_the_complete_items_only(imported: Importer) -> None:
    page = imported("truncated_in_list")
    labels = select(
        page.graph,
        "SELECT ?l ?code WHERE { ?i rdfs:label ?l ; mg:inCategory/skos:notation ?code } ORDER BY ?l",
    )
    assert labels == [("Monitor early usage", "1.2.3"), ("Restrict early access", "2.3.1")]
    assert not any("Widen access" in text for text in literals(page)), (
        "an item without its code line is not kept"
    )


def test_the_cut_off_line_is_never_data(imported: Importer) -> None:
    for name in ("truncated_in_list", "truncated_in_record_text", "truncated_in_facets"):
        page = imported(name)
        cut = last_line(name)
        assert cut not in paragraphs(page), f"{name}: the cut-off line {cut!r} was kept"


def test_the_record_and_its_page_are_marked_incomplete_with_one_warning(imported: Importer) -> None:
    for name in ("truncated_in_list", "truncated_in_record_text", "truncated_in_facets"):
        page = imported(name)
        marked = select(
            page.graph,
            f"SELECT ?page WHERE {{ <{page.record}> mg:pageIncomplete true ; prov:wasDerivedFrom ?page . "
            "?page mg:pageIncomplete true }",
        )
        assert len(marked) == 1, name
        truncation = [w for w in page.warnings if w.kind is WarningKind.TRUNCATED]
        lines = (PAGE_FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        assert [w.line for w in truncation] == [len(lines)], name


def test_a_complete_page_is_not_marked_incomplete(imported: Importer) -> None:
    page = imported("A2244")
    assert (None, MG.pageIncomplete, None) not in page.graph
    assert not page.incomplete


def test_a_page_cut_in_its_record_text_keeps_the_complete_paragraphs(imported: Importer) -> None:
    page = imported("truncated_in_record_text")
    assert select(page.graph, f"SELECT ?t WHERE {{ <{page.record}> dcterms:description ?t }}") == [
        ("Models are released to the public in stages.",)
    ]
    assert select(page.graph, f"SELECT ?r WHERE {{ <{page.record}> mg:reasoning ?r }}") == []
    assert select(page.graph, f"SELECT ?c WHERE {{ <{page.record}> mg:inCategory/skos:notation ?c }}") == [
        ("2.3.1",)
    ]


def test_a_page_cut_in_its_facets_keeps_the_facets_it_shows(imported: Importer) -> None:
    page = imported("truncated_in_facets")
    facets = select(
        page.graph,
        f"""SELECT ?stage ?actor ?function WHERE {{
            OPTIONAL {{ <{page.record}> mg:lifecycleStage/skos:prefLabel ?stage }}
            OPTIONAL {{ <{page.record}> mg:actor/skos:prefLabel ?actor }}
            OPTIONAL {{ <{page.record}> mg:riskManagementFunction ?function }} }}""",
    )
    assert facets == [("Other (outside lifecycle)", "Governance Actor", None)]
    assert select(
        page.graph, "SELECT ?l WHERE { ?i rdfs:label ?l ; mg:inCategory/skos:notation '3.1.1' }"
    ) == [("Licensing regime for frontier models",)]
