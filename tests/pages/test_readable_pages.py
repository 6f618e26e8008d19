"""The real catalogue's pages read well: texts as paragraphs and lists, records with the same label told
apart, every kind of entity with a page that names its properties by their labels and links to where it
comes from. Expectations are computed from the project's graph loaded with rdflib."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import httpx
import pytest
from html_reading import Page, read_page
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from structure_reading import link_lists, read_structure, text_lists

from mitigraph.iris import NAVIGATOR_PAGES
from mitigraph.loader import LoadedGraph
from mitigraph.namespaces import DEFAULT_BASE, MG

HTML = {"Accept": "text/html"}
PAGE_SIZE = 50
ARTEFACT = re.compile(r"[●•]|\\[.\-]")
CAMEL_CASE = re.compile(r"^[a-z]+[A-Z]")
CHECKED = 40
"""Entities checked one by one per test: enough to meet every variation, few enough to stay quick."""


@pytest.fixture(scope="module")
def graph(project: LoadedGraph) -> Graph:
    return project.graph


def path_of(iri: URIRef | str) -> str:
    assert str(iri).startswith(DEFAULT_BASE)
    return "/id/" + str(iri)[len(DEFAULT_BASE) :]


def get(http: httpx.Client, path: str) -> httpx.Response:
    response = http.get(path, headers=HTML)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    return response


def shown(http: httpx.Client, path: str) -> Page:
    return read_page(get(http, path).text)


def iris(graph: Graph, predicate: URIRef, subject: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, URIRef))


# ---------------------------------------------------------------- texts


def test_texts_with_artefacts_show_lists_and_no_artefacts(http: httpx.Client, graph: Graph) -> None:
    marked = sorted(
        (s, str(text))
        for s, text in graph.subject_objects(DCTERMS.description)
        if isinstance(s, URIRef) and (s, RDF.type, MG.Mitigation) in graph and ARTEFACT.search(str(text))
    )
    assert marked, "the corpus has record texts with inline bullets or escaped numbers"
    for record, text in marked:
        response = get(http, path_of(record))
        lists = text_lists(response.text)
        bullets = len(re.findall(r"[●•]|\\-", text))
        assert sum(len(found.items) for found in lists if not found.ordered) == bullets, record
        if re.search(r"\d\\\.", text):
            assert any(found.ordered for found in lists), f"{record} shows no numbered list"
        visible = read_page(response.text).text
        assert "●" not in visible and "•" not in visible, f"{record} shows a bullet character"
        assert not re.search(r"\\[.\-]", visible), f"{record} shows an escape backslash"


# ---------------------------------------------------------------- near-duplicates


def records_below(graph: Graph) -> dict[URIRef, list[URIRef]]:
    below: dict[URIRef, list[URIRef]] = defaultdict(list)
    for record in graph.subjects(RDF.type, MG.Mitigation):
        for category in graph.objects(record, MG.inCategory):
            for above in set(graph.transitive_objects(category, MG.subcategoryOf)):
                below[above].append(record)  # type: ignore[index]
    return below


def test_records_with_the_same_label_are_told_apart(http: httpx.Client, graph: Graph) -> None:
    label = {str(r): str(graph.value(r, RDFS.label)) for r in graph.subjects(RDF.type, MG.Mitigation)}
    crowded = {
        category: records
        for category, records in records_below(graph).items()
        if max(Counter(label[str(r)] for r in records).values()) > 1
    }
    assert crowded, "the corpus has categories listing two records with one label"
    for category, records in sorted(crowded.items()):
        rows: dict[str, list[str]] = defaultdict(list)
        for number in range(1, -(-len(records) // PAGE_SIZE) + 1):
            tables, _ = read_structure(get(http, f"{path_of(category)}?page={number}").text)
            members = tables[0]
            for href, cells in zip(members.row_links, members.body, strict=True):
                rows[label[DEFAULT_BASE + href.removeprefix("/id/")]].append(cells[0])
        for name, texts in rows.items():
            assert len(set(texts)) == len(texts), f"{category}: the rows of {name!r} read alike: {texts}"


def test_items_of_a_source_with_the_same_label_are_told_apart(http: httpx.Client, graph: Graph) -> None:
    crowded = []
    for source in sorted(graph.subjects(RDF.type, MG.Source)):
        labels = Counter(
            str(graph.value(record, RDFS.label)) for record in graph.subjects(MG.citedIn, source)
        )
        crowded += [(source, label) for label, times in labels.items() if times > 1]
    assert crowded, "the corpus has a source listing two items with one label"
    for source, label in crowded:
        items = [item for found in link_lists(get(http, path_of(source)).text) for item in found.items]
        alike = [item for item in items if item.startswith(label + " ") or item == label]
        assert len(alike) > 1 and len(set(alike)) == len(alike), (
            f"{source}: {label!r} items read alike: {alike}"
        )


def test_near_duplicates_name_what_differs(http: httpx.Client, graph: Graph) -> None:
    pairs = sorted((a, b) for a, b in graph.subject_objects(MG.nearDuplicateOf) if isinstance(b, URIRef))
    assert pairs
    for record, other in pairs[:CHECKED]:
        page = shown(http, path_of(record))
        assert path_of(other) in {link.href for link in page.links}
        section = graph.value(other, MG.sectionNumber)
        navigator_id = graph.value(other, MG.navigatorId)
        if section is not None:
            assert f"(section {section})" in page.text
        elif navigator_id is not None:
            assert f"(navigator record {navigator_id})" in page.text


# ---------------------------------------------------------------- every kind of entity


def kinds_of_entity(graph: Graph) -> dict[str, URIRef]:
    """One entity of each kind the graph mints (its IRI's path without the last segment: `mitigation/`,
    `lifecycle-stage/`), and every entity minted at the top (the taxonomy, the schemes, the dataset)."""
    found: dict[str, URIRef] = {}
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        local = str(subject)[len(DEFAULT_BASE) :] if str(subject).startswith(DEFAULT_BASE) else ""
        if local and "#" not in local:
            found.setdefault(local.rsplit("/", 1)[0] + "/" if "/" in local else local, subject)
    return found


def test_every_kind_of_entity_has_a_page_naming_its_properties(http: httpx.Client, graph: Graph) -> None:
    kinds = kinds_of_entity(graph)
    expected = {"mitigation/", "category/", "source/", "agent/", "page/", "limitation/", "lifecycle-stage/"}
    assert expected | {"taxonomy", "dataset", "lifecycle-stage", "lifecycle-stage-order"} <= set(kinds)
    for kind, entity in sorted(kinds.items()):
        response = get(http, path_of(entity))
        page = read_page(response.text)
        assert page.bare_iri_links() == [], f"{kind}: a link shows a bare IRI"
        assert "Where it comes from" in page.text, f"the {kind} page does not say where it comes from"
        tables, _ = read_structure(response.text)
        properties = [
            row[0] for table in tables for row in table.body if table.head == [["Property", "Value"]]
        ]
        raw = [name for name in properties if CAMEL_CASE.match(name)]
        assert raw == [], f"the {kind} page names properties by their raw names: {raw}"


def test_navigator_pages_link_to_the_navigator(http: httpx.Client, graph: Graph) -> None:
    local = sorted(p for p in graph.subjects(RDF.type, MG.NavigatorPage) if str(p).startswith(DEFAULT_BASE))
    assert local, "the corpus has navigator pages saved without their navigator id"
    for navigator_page in local:
        page = shown(http, path_of(navigator_page))
        assert "identifier" in page.link_texts() and "was derived from" in page.link_texts()
        assert "wasDerivedFrom" not in page.text
        alike = {
            str(other)
            for record in graph.subjects(PROV.wasDerivedFrom, navigator_page)
            for other in graph.objects(record, PROV.wasDerivedFrom)
            if str(other).startswith(NAVIGATOR_PAGES)
        }
        hrefs = {link.href for link in page.links}
        assert alike <= hrefs, f"{navigator_page} does not link the navigator pages of its records"
        assert "cannot be linked to the navigator" in page.text


def test_records_link_to_their_page_on_the_navigator(http: httpx.Client, graph: Graph) -> None:
    records = sorted(graph.subject_objects(MG.navigatorId))[:CHECKED]
    assert records
    for record, navigator_id in records:
        page = shown(http, path_of(record))  # type: ignore[arg-type]
        assert page.href_of(f"navigator record {navigator_id}") == NAVIGATOR_PAGES + str(navigator_id)


def test_limitations_categories_facets_and_sources_link_to_their_origin(
    http: httpx.Client, graph: Graph
) -> None:
    limitation = sorted(graph.subjects(RDF.type, MG.Limitation))[0]
    assert set(iris(graph, PROV.wasDerivedFrom, limitation)) <= hrefs(http, limitation)  # type: ignore[arg-type]
    learnt = sorted(c for c in graph.subjects(MG.evidence, None) if isinstance(c, URIRef))
    for category in learnt[:CHECKED]:
        pages = {p for e in graph.objects(category, MG.evidence) for p in iris(graph, PROV.wasDerivedFrom, e)}  # type: ignore[arg-type]
        assert pages <= hrefs(http, category), (
            f"{category} does not link the pages its facts were learnt from"
        )
    stage = URIRef(DEFAULT_BASE + "lifecycle-stage/plan-and-design")
    assert set(iris(graph, SKOS.exactMatch, stage)) <= hrefs(http, stage)
    for source in sorted(graph.subjects(RDF.type, MG.Source)):
        pages = {
            page
            for record in graph.subjects(MG.citedIn, source)
            for page in iris(graph, PROV.wasDerivedFrom, record)  # type: ignore[arg-type]
        }
        assert len(pages & hrefs(http, source)) >= min(len(pages), PAGE_SIZE), f"{source} hides its pages"  # type: ignore[arg-type]
        if len(pages) > PAGE_SIZE:
            assert f"(the first {PAGE_SIZE} of {len(pages)})" in shown(http, path_of(source)).text


def hrefs(http: httpx.Client, iri: URIRef) -> set[str]:
    """Where the links of the entity's page lead, `/id/` paths written as the IRIs they stand for."""
    found = {link.href.split("?")[0] for link in shown(http, path_of(iri)).links}
    return found | {DEFAULT_BASE + href.removeprefix("/id/") for href in found if href.startswith("/id/")}
