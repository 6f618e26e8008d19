"""`/coverage` over the real catalogue: the categories by lifecycle stage (in the order data/facets.ttl
states) and by source document, every cell, the "no stage" / "no source shown" columns and the totals,
each computed here from the project's graph loaded with rdflib."""

from __future__ import annotations

from collections import defaultdict

import httpx
import pytest
from html_reading import read_page
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, SKOS
from structure_reading import Table, table_captioned
from tests.support.commands import run_mitigraph
from tests.support.servers import RunningServer, running_server

from mitigraph.loader import LoadedGraph, load_files, ontology_files, reference_data_files
from mitigraph.namespaces import DEFAULT_BASE, MG
from mitigraph.site.coverage import MAX_MAP_SOURCES

BY_STAGE = "Records by category and lifecycle stage"
BY_SOURCE = "Records by category and source document"


@pytest.fixture(scope="module")
def graph(project: LoadedGraph) -> Graph:
    return project.graph


@pytest.fixture(scope="module")
def coverage_html(project_server: RunningServer) -> str:
    response = httpx.get(f"{project_server.url}/coverage", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    return response.text


def lifecycle_order(graph: Graph) -> list[URIRef]:
    (collection,) = graph.subjects(RDF.type, SKOS.OrderedCollection)
    head = graph.value(collection, SKOS.memberList)
    return [member for member in Collection(graph, head) if isinstance(member, URIRef)]  # type: ignore[arg-type]


def below(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Category -> the classified records in it and in every category under it."""
    found: dict[URIRef, set[URIRef]] = defaultdict(set)
    for record, category in graph.subject_objects(MG.inCategory):
        for above in set(graph.transitive_objects(category, MG.subcategoryOf)):
            found[above].add(record)  # type: ignore[index]
    return found


def cells(table: Table) -> dict[URIRef, list[int]]:
    return {
        URIRef(DEFAULT_BASE + href.removeprefix("/id/")): [int(cell) for cell in row[1:]]
        for href, row in zip(table.row_links, table.body, strict=True)
    }


def test_stages_in_lifecycle_order_with_no_stage_and_totals(coverage_html: str, graph: Graph) -> None:
    stages = lifecycle_order(graph)
    assert len(stages) == len(set(graph.subjects(RDF.type, MG.LifecycleStage)))
    table = table_captioned(coverage_html, BY_STAGE)
    labels = [str(graph.value(stage, SKOS.prefLabel)) for stage in stages]
    assert table.head == [["Category", *labels, "No stage given", "All"]]
    staged = {stage: set(graph.subjects(MG.lifecycleStage, stage)) for stage in stages}
    for category, records in below(graph).items():
        expected = [len(records & staged[stage]) for stage in stages]
        unstaged = sum(1 for r in records if (r, MG.lifecycleStage, None) not in graph)
        assert cells(table)[category] == [*expected, unstaged, len(records)], category
    classified = set(graph.subjects(MG.inCategory, None))
    totals = [len(classified & staged[stage]) for stage in stages]
    unstaged = sum(1 for r in classified if (r, MG.lifecycleStage, None) not in graph)
    assert table.foot == [["All categories", *map(str, [*totals, unstaged, len(classified)])]]


def test_sources_by_how_many_records_they_hold(coverage_html: str, graph: Graph) -> None:
    classified = set(graph.subjects(MG.inCategory, None))
    cited = {
        source: {r for r in graph.subjects(MG.citedIn, source)} | set(graph.objects(source, MG.cites))
        for source in graph.subjects(RDF.type, MG.Source)
    }
    ranked = sorted(
        cited, key=lambda s: (-len(cited[s] & classified), str(graph.value(s, DCTERMS.title)).casefold())
    )
    assert len(ranked) <= 12, "the real catalogue's sources all have a column"
    table = table_captioned(coverage_html, BY_SOURCE)
    titles = [str(graph.value(source, DCTERMS.title)) for source in ranked]
    head = table.head[0]
    assert head[0] == "Category" and head[-2:] == ["No source shown", "All"]
    assert [shown.removesuffix("…") for shown in head[1:-2]] == [
        title[: len(shown.removesuffix("…"))] for title, shown in zip(titles, head[1:-2], strict=True)
    ], "the columns are the sources, most records first, long titles cut"
    for category, records in below(graph).items():
        expected = [len(records & cited[source]) for source in ranked]
        unsourced = sum(1 for r in records if not any(r in found for found in cited.values()))
        assert cells(table)[category] == [*expected, unsourced, len(records)], category
    unsourced = sum(1 for r in classified if not any(r in found for found in cited.values()))
    totals = [len(classified & cited[source]) for source in ranked]
    assert table.foot == [["All categories", *map(str, [*totals, unsourced, len(classified)])]]


# ---------------------------------------------------------------- more sources than columns


@pytest.fixture(scope="module")
def many_sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, str]:
    """A synthetic catalogue with more sources than the map has columns, and its `/coverage` as served."""
    work = tmp_path_factory.mktemp("many-sources")
    synthetic = work / "synthetic.nt"
    generated = run_mitigraph("generate", "--mitigations", "400", "--output", synthetic, "--seed", "3")
    assert generated.returncode == 0, generated.stderr
    files = [*ontology_files(), *reference_data_files(), synthetic]
    options = ("--workers=1", "--query-workers=1", "--no-access-log", *(f"--graph={path}" for path in files))
    with running_server(*options, log_dir=work) as running:
        response = httpx.get(f"{running.url}/coverage", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    return load_files(files).graph, response.text


def test_the_sources_with_most_records_get_columns_and_every_source_is_counted(
    many_sources: tuple[Graph, str],
) -> None:
    graph, html = many_sources
    cited = {s: set(graph.subjects(MG.citedIn, s)) for s in graph.subjects(RDF.type, MG.Source)}
    assert len(cited) > MAX_MAP_SOURCES, "the synthetic catalogue has more sources than the map has columns"
    table = table_captioned(html, BY_SOURCE)
    head = table.head[0]
    assert head[-3:] == ["No source shown", "Sources", "All"]
    assert len(head) == 1 + MAX_MAP_SOURCES + 3
    ranked = sorted(len(records) for records in cited.values())[::-1]
    assert [int(total) for total in table.foot[0][1 : 1 + MAX_MAP_SOURCES]] == ranked[:MAX_MAP_SOURCES]
    assert table.foot[0][-2] == str(len(cited))
    sources_column = head.index("Sources")
    for category, records in below(graph).items():
        covering = {s for s, found in cited.items() if found & records}
        assert cells(table)[category][sources_column - 1] == len(covering), category
    assert f"the {MAX_MAP_SOURCES} sources with the most records, of {len(cited)}" in read_page(html).text
