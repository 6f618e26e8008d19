"""Every curated example query runs over HTTP against the real server and gives what the graph says it should.

The server publishes the project's graph; each expected answer is computed here from the same graph, loaded
with rdflib (`project`), so the tests hold for the seed pages and for the whole imported corpus alike.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.loader import LoadedGraph
from mitigraph.namespaces import BIBO, MG

EXAMPLES = example_queries()
REQUIRED = [
    "mitigations-in-category",
    "counts-per-category-and-stage",
    "limitations-and-what-addresses-them",
    "unaddressed-limitations",
    "items-of-a-source-with-authors",
    "mitigations-with-their-parts",
    "text-search",
    "categories-with-the-most-records",
    "sources-per-category",
    "records-per-nist-genai-risk",
    "incomplete-records",
]
NO_CODE = "(no code yet)"


def name(example: ExampleQuery) -> str:
    return example.iri.rsplit("/", 1)[-1]


def by_name(wanted: str) -> ExampleQuery:
    return next(example for example in EXAMPLES if name(example) == wanted)


def rows(client: httpx.Client, example: ExampleQuery) -> list[dict[str, str]]:
    response = client.get("/sparql", params={"query": example.query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return [{variable: value["value"] for variable, value in row.items()} for row in bindings]


@pytest.fixture(scope="module")
def graph(project: LoadedGraph) -> Graph:
    return project.graph


def mitigations(graph: Graph) -> set[URIRef]:
    return {m for m in graph.subjects(RDF.type, MG.Mitigation) if isinstance(m, URIRef)}


def is_true(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    return any(value.toPython() is True for value in graph.objects(subject, predicate))


def text(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return str(value) if value is not None else None


def test_the_required_examples_exist() -> None:
    assert [wanted for wanted in REQUIRED if wanted not in {name(example) for example in EXAMPLES}] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=name)
def test_every_example_gives_a_non_empty_result(http: httpx.Client, example: ExampleQuery) -> None:
    assert example.comment and example.keywords
    if example.form == "select":
        found = rows(http, example)
        assert found, f"{example.file.name} returned no rows"
        assert all(row for row in found)
        assert not [row for row in found if "None" in row.values()], "a value reads None"
    elif example.form == "construct":
        response = http.get("/sparql", params={"query": example.query}, headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert len(Graph().parse(data=response.text, format="turtle")) > 0
    else:
        response = http.get("/sparql", params={"query": example.query})
        assert response.status_code == 200
        assert response.json()["boolean"] is True


def test_category_example_reaches_into_subcategories(http: httpx.Client, graph: Graph) -> None:
    branch = graph.value(predicate=SKOS.notation, object=Literal("1.1"))
    expected = {
        str(code)
        for mitigation in mitigations(graph)
        if graph.value(mitigation, RDFS.label) is not None
        for category in graph.objects(mitigation, MG.inCategory)
        if branch in graph.transitive_objects(category, MG.subcategoryOf)
        for code in graph.objects(category, SKOS.notation)
    }
    codes = {row["code"] for row in rows(http, by_name("mitigations-in-category"))}
    assert len(expected) > 1, "the data holds labelled records in one subcategory of 1.1 at most"
    assert codes == expected


def test_counts_add_up_to_the_mitigations_with_a_category(http: httpx.Client, graph: Graph) -> None:
    counted = rows(http, by_name("counts-per-category-and-stage"))
    classified = {m for m in mitigations(graph) if graph.value(m, MG.inCategory) is not None}
    stages = {
        str(label)
        for m in classified
        for stage in graph.objects(m, MG.lifecycleStage)
        for label in graph.objects(stage, SKOS.prefLabel)
    }
    assert sum(int(row["mitigations"]) for row in counted) >= len(classified) > 0
    assert stages and {row["stage"] for row in counted} == stages | {"(no stage given)"}


def test_addressed_limitations_carry_their_justification(http: httpx.Client, graph: Graph) -> None:
    justified = {
        (graph.value(statement, RDF.object), graph.value(statement, RDF.subject)): str(justification)
        for statement in graph.subjects(RDF.predicate, MG.addressesLimitation)
        for justification in graph.objects(statement, MG.justification)
    }
    found = rows(http, by_name("limitations-and-what-addresses-them"))
    assert justified
    assert {
        (URIRef(row["limitation"]), URIRef(row["addressedBy"])): row["justification"] for row in found
    } == justified


def test_gaps_are_exactly_the_limitations_nothing_addresses(http: httpx.Client) -> None:
    addressed = {row["limitation"] for row in rows(http, by_name("limitations-and-what-addresses-them"))}
    gaps = {row["limitation"] for row in rows(http, by_name("unaddressed-limitations"))}
    assert gaps and addressed
    assert gaps.isdisjoint(addressed)


def test_source_example_lists_the_authors_in_order(http: httpx.Client, graph: Graph) -> None:
    found = rows(http, by_name("items-of-a-source-with-authors"))
    sources = {
        s
        for s in graph.subjects(RDF.type, MG.Source)
        if "expert survey" in (text(graph, s, DCTERMS.title) or "").lower()
        and graph.value(s, BIBO.authorList) is not None
    }
    assert len(sources) == 1, "the example picks one source by its title"
    source = sources.pop()
    authors = [
        str(graph.value(a, FOAF.name)) for a in Collection(graph, graph.value(source, BIBO.authorList))
    ]
    items = set(graph.subjects(MG.citedIn, source))
    assert {row["title"] for row in found} == {text(graph, source, DCTERMS.title)}
    assert found[0]["authors"].split("; ") == authors
    assert {URIRef(row["mitigation"]) for row in found} == items
    assert len({row["mitigation"] for row in found}) == len(found) > 1


def test_parts_example_shows_wholes_with_their_parts(http: httpx.Client, graph: Graph) -> None:
    expected = {
        (str(whole_label), str(part_label))
        for part, whole in graph.subject_objects(MG.partOf)
        for part_label in graph.objects(part, RDFS.label)
        for whole_label in graph.objects(whole, RDFS.label)
    }
    found = rows(http, by_name("mitigations-with-their-parts"))
    assert expected
    assert {(row["wholeLabel"], row["partLabel"]) for row in found} == expected
    assert all(row["whole"] != row["part"] for row in found)


def test_text_search_finds_the_word(http: httpx.Client, graph: Graph) -> None:
    expected = {
        m
        for m in mitigations(graph)
        if graph.value(m, RDFS.label) is not None
        and "adversarial"
        in f"{graph.value(m, RDFS.label)} {graph.value(m, DCTERMS.description) or ''}".lower()
    }
    found = {URIRef(row["mitigation"]) for row in rows(http, by_name("text-search"))}
    assert expected and found == expected


def test_taxonomy_example_is_a_skos_tree(http: httpx.Client, graph: Graph) -> None:
    response = http.get("/sparql", params={"query": by_name("taxonomy-as-skos").query})
    tree = Graph().parse(data=response.text, format="turtle")
    child = tree.value(predicate=SKOS.notation, object=Literal("1.1.3"))
    parent = tree.value(child, SKOS.broader)
    assert tree.value(parent, SKOS.notation) == Literal("1.1")
    assert set(tree.subjects(RDF.type, SKOS.Concept)) == set(graph.subjects(RDF.type, MG.Category))


def category_name(graph: Graph, category: URIRef) -> str:
    label = text(graph, category, SKOS.prefLabel)
    definition = text(graph, category, SKOS.definition)
    return label or (f"(unnamed) {definition[:80]}" if definition else "(unnamed)")


def test_categories_with_the_most_records(http: httpx.Client, graph: Graph) -> None:
    direct = Counter(c for m in mitigations(graph) for c in graph.objects(m, MG.inCategory))
    cut_off = Counter(
        c
        for m in mitigations(graph)
        if is_true(graph, m, MG.pageIncomplete)
        for c in graph.objects(m, MG.inCategory)
    )
    found = rows(http, by_name("categories-with-the-most-records"))
    assert [int(row["records"]) for row in found] == sorted(direct.values(), reverse=True)[: len(found)]
    assert len(found) == min(25, len(direct))
    for row in found:
        category = URIRef(row["category"])
        assert int(row["records"]) == direct[category]
        assert int(row["incomplete"]) == cut_off[category]
        assert row["code"] == (text(graph, category, SKOS.notation) or NO_CODE)
        assert row["name"] == category_name(graph, category)
        assert (row["provisional"] == "true") == is_true(graph, category, MG.provisional)


def test_sources_per_category(http: httpx.Client, graph: Graph) -> None:
    sources: dict[URIRef, set[URIRef]] = defaultdict(set)
    records: dict[URIRef, set[URIRef]] = defaultdict(set)
    for m in mitigations(graph):
        for category in graph.objects(m, MG.inCategory):
            for source in graph.objects(m, MG.citedIn):
                sources[category].add(source)
                records[category].add(m)
    found = rows(http, by_name("sources-per-category"))
    assert {URIRef(row["category"]): int(row["sources"]) for row in found} == {
        c: len(s) for c, s in sources.items()
    }
    assert {URIRef(row["category"]): int(row["records"]) for row in found} == {
        c: len(r) for c, r in records.items()
    }
    widest = max(found, key=lambda row: int(row["sources"]))
    titles = {text(graph, s, DCTERMS.title) for s in sources[URIRef(widest["category"])]}
    assert set(widest["sourceTitles"].split(" | ")) == titles
    assert int(found[0]["sources"]) == int(widest["sources"])


def test_records_per_nist_genai_risk(http: httpx.Client, graph: Graph) -> None:
    tagged = Counter(risk for m in mitigations(graph) for risk in graph.objects(m, MG.nistGenAIRisk))
    found = rows(http, by_name("records-per-nist-genai-risk"))
    assert tagged, "no record names a NIST GenAI risk"
    assert {URIRef(row["risk"]): int(row["records"]) for row in found} == dict(tagged)
    for row in found:
        risk = URIRef(row["risk"])
        assert row["riskLabel"] == text(graph, risk, SKOS.prefLabel)
        tasks = {
            str(label)
            for m in graph.subjects(MG.nistGenAIRisk, risk)
            for task in graph.objects(m, MG.nistActorTask)
            for label in graph.objects(task, SKOS.prefLabel)
        }
        assert set(filter(None, row.get("actorTasks", "").split("; "))) == tasks


def test_incomplete_records_are_those_whose_page_was_cut_off(http: httpx.Client, graph: Graph) -> None:
    expected = {m for m in mitigations(graph) if is_true(graph, m, MG.pageIncomplete)}
    found = rows(http, by_name("incomplete-records"))
    assert expected, "no record is marked incomplete"
    assert {URIRef(row["mitigation"]) for row in found} == expected
    for row in found:
        mitigation = URIRef(row["mitigation"])
        assert (row["hasText"] == "true") == (graph.value(mitigation, DCTERMS.description) is not None)
        assert (row["hasSource"] == "true") == (graph.value(mitigation, MG.citedIn) is not None)
        assert URIRef(row["page"]) in set(graph.objects(mitigation, PROV.wasDerivedFrom))
