"""The pages over the project's own graph: the imported navigator corpus, as a reader browses it.

Every expectation is computed from the same graph loaded with rdflib (`project`): the counts on the home
page, the records marked incomplete, the NIST tags shown with their labels, the provisional categories and
the pages of the largest category.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from html_reading import Page, read_page
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from structure_reading import read_structure, table_captioned
from tests.support.servers import running_server

from mitigraph.loader import LoadedGraph
from mitigraph.namespaces import DEFAULT_BASE, MG

HTML = {"Accept": "text/html"}
PAGE_SIZE = 50
LISTED_AT_MOST = 1000
CHECKED_PAGES = 40
"""Record pages checked one by one per test: enough to meet every variation, few enough to stay quick."""


@pytest.fixture(scope="module")
def catalogue_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The project's graph served as `mitigraph serve` serves it by default."""
    log_dir = tmp_path_factory.mktemp("catalogue-server")
    options = ("--workers=1", "--query-workers=1", "--no-access-log")
    with (
        running_server(*options, log_dir=log_dir) as running,
        httpx.Client(base_url=running.url, timeout=30) as http,
    ):
        yield http


@pytest.fixture(scope="module")
def graph(project: LoadedGraph) -> Graph:
    return project.graph


def get(client: httpx.Client, path: str) -> Page:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, f"{path} answered {response.status_code}: {response.text[:300]}"
    return read_page(response.text)


def path_of(iri: URIRef) -> str:
    assert str(iri).startswith(DEFAULT_BASE)
    return "/id/" + str(iri)[len(DEFAULT_BASE) :]


def is_true(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    return any(value.toPython() is True for value in graph.objects(subject, predicate))


def mitigations(graph: Graph) -> list[URIRef]:
    return sorted(m for m in graph.subjects(RDF.type, MG.Mitigation) if isinstance(m, URIRef))


def incomplete(graph: Graph) -> set[URIRef]:
    return {m for m in mitigations(graph) if is_true(graph, m, MG.pageIncomplete)}


def provisional(graph: Graph) -> list[URIRef]:
    return sorted(c for c in graph.subjects(RDF.type, MG.Category) if is_true(graph, c, MG.provisional))


def subtree_totals(graph: Graph) -> Counter[URIRef]:
    totals: Counter[URIRef] = Counter()
    for m in mitigations(graph):
        for category in graph.objects(m, MG.inCategory):
            for above in set(graph.transitive_objects(category, MG.subcategoryOf)):
                totals[above] += 1
    return totals


def test_the_home_page_counts_the_catalogue(catalogue_http: httpx.Client, graph: Graph) -> None:
    shown = get(catalogue_http, "/")
    assert f"{len(mitigations(graph))} mitigations" in shown.text
    assert f"{len(set(graph.subjects(RDF.type, MG.Category)))} categories" in shown.text
    assert (
        f"Records from navigator pages whose saved copy was cut off: {len(incomplete(graph))}." in shown.text
    )
    assert f"provisional until the reference taxonomy confirms them: {len(provisional(graph))}." in shown.text


def test_every_record_is_listed_and_the_incomplete_ones_are_marked(
    catalogue_http: httpx.Client, graph: Graph
) -> None:
    records = mitigations(graph)
    assert len(records) <= LISTED_AT_MOST, "every record fits the listing's pages"
    listed: dict[str, tuple[str, ...]] = {}
    for number in range(1, -(-len(records) // PAGE_SIZE) + 1):
        for link in get(catalogue_http, f"/mitigations?page={number}").links:
            if link.href.startswith("/id/mitigation/"):
                listed[link.href] = link.markers
    assert set(listed) == {path_of(m) for m in records}
    assert {href for href, markers in listed.items() if "incomplete" in markers} == {
        path_of(m) for m in incomplete(graph)
    }


def test_incomplete_records_explain_themselves(catalogue_http: httpx.Client, graph: Graph) -> None:
    cut_off = sorted(incomplete(graph))
    assert cut_off, "no record is marked incomplete"
    for record in cut_off[:CHECKED_PAGES]:
        assert "Incomplete record." in get(catalogue_http, path_of(record)).text
    complete = [m for m in mitigations(graph) if m not in incomplete(graph)][:CHECKED_PAGES]
    for record in complete:
        assert "Incomplete record." not in get(catalogue_http, path_of(record)).text


def test_nist_tags_show_with_their_labels(catalogue_http: httpx.Client, graph: Graph) -> None:
    tagged = sorted({m for m in mitigations(graph) if (m, MG.nistGenAIRisk, None) in graph})
    assert tagged, "no record names a NIST GenAI risk"
    for record in tagged[:CHECKED_PAGES]:
        shown = get(catalogue_http, path_of(record))
        for predicate in (MG.nistGenAIRisk, MG.nistActorTask):
            for concept in graph.objects(record, predicate):
                label = str(graph.value(concept, SKOS.prefLabel))
                assert label in shown.link_texts(), f"{record} does not show {label}"


def test_provisional_categories_are_named_and_marked_everywhere(
    catalogue_http: httpx.Client, graph: Graph
) -> None:
    learnt = provisional(graph)
    assert learnt, "no category was learnt from the pages"
    home, coverage = get(catalogue_http, "/"), get(catalogue_http, "/coverage")
    for shown in (home, coverage):
        marked = {link.href for link in shown.links if "provisional" in link.markers}
        assert marked == {path_of(category) for category in learnt}
        assert [link.text for link in shown.links if not link.text.strip() or "None" in link.text] == []
    for category in learnt[:CHECKED_PAGES]:
        shown = get(catalogue_http, path_of(category))
        assert "Provisional category." in shown.text
        assert (graph.value(category, SKOS.notation) is None) == ("Not yet known." in shown.text)


def test_the_largest_category_pages_through_its_records(catalogue_http: httpx.Client, graph: Graph) -> None:
    category, total = subtree_totals(graph).most_common(1)[0]
    pages = -(-total // PAGE_SIZE)
    assert pages > 1, "the real catalogue has a category longer than one page"
    seen: list[str] = []
    for number in range(1, min(pages, LISTED_AT_MOST // PAGE_SIZE) + 1):
        response = catalogue_http.get(f"{path_of(category)}?page={number}", headers=HTML)
        first, last = (number - 1) * PAGE_SIZE + 1, min(number * PAGE_SIZE, total)
        assert (
            f"Records {first:,}–{last:,} of {total:,} (page {number} of {pages})."
            in read_page(response.text).text
        )
        (members,) = read_structure(response.text)[0]
        seen += members.row_links
    assert len(seen) == len(set(seen)) == min(total, LISTED_AT_MOST)


def test_coverage_has_a_row_per_category_and_counts_every_record(
    catalogue_http: httpx.Client, graph: Graph
) -> None:
    response = catalogue_http.get("/coverage", headers=HTML)
    assert response.status_code == 200
    categories = set(graph.subjects(RDF.type, MG.Category))
    totals = subtree_totals(graph)
    classified = sum(1 for m in mitigations(graph) if (m, MG.inCategory, None) in graph)
    roots = [c for c in categories if (c, MG.subcategoryOf, None) not in graph]
    assert sum(totals[root] for root in roots) == classified
    assert f"{classified} in all" in read_page(response.text).text
    for caption in ("Records by category and lifecycle stage", "Records by category and source document"):
        table = table_captioned(response.text, caption)
        assert {path_of(c) for c in categories} == set(table.row_links), f"{caption}: one row per category"
        assert len(table.row_links) == len(categories)
        all_column = table.column("All")
        for href, cells in zip(table.row_links, table.body, strict=True):
            category = URIRef(DEFAULT_BASE + href.removeprefix("/id/"))
            assert int(cells[all_column]) == totals[category], f"{caption}: {href} counts its records"
        assert table.foot[0][all_column] == str(classified)
