"""`/mitigations`, the filterable list, over HTTP against the page server: every parameter, bad values
included, the counts beside each choice, the order, the links that are the list's states, the form that
works without JavaScript, the same list as CSV and JSON, and the SPARQL query that gives the same records.

What each filter should give is read from the fixture files with rdflib, apart from the server's code.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx
import pytest
from form_reading import FormReader
from html_reading import read_page
from page_graph import page_graph_files
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from mitigraph.site.labels import code_key

MG = Namespace("https://w3id.org/mitigraph/ontology#")
BASE = "https://w3id.org/mitigraph/id/"
HTML = {"Accept": "text/html"}
UNCODED = "under-2.2--disclosure-of-how-a-system-was-evaluated-before-its-release"
FACET_PROPERTIES = {
    "stage": (MG.lifecycleStage, "lifecycle-stage"),
    "actor": (MG.actor, "actor"),
    "function": (MG.riskManagementFunction, "risk-management-function"),
    "source": (MG.citedIn, "source"),
}
Params = list[tuple[str, str]]


@pytest.fixture(scope="module")
def graph() -> Graph:
    loaded = Graph()
    for path in page_graph_files():
        loaded.parse(path)
    return loaded


def expected(graph: Graph, params: Params) -> set[str]:
    """The records a list state should give, read from the graph: AND across parameters, OR within one."""
    chosen: dict[str, set[str]] = {}
    for name, value in params:
        chosen.setdefault(name, set()).add(value)
    found = set()
    for record in graph.subjects(RDF.type, MG.Mitigation):
        assert isinstance(record, URIRef)
        if "category" in chosen and not chosen["category"] & categories_of(graph, record):
            continue
        if any(
            not chosen[facet] & {str(v).removeprefix(f"{BASE}{path}/") for v in graph.objects(record, prop)}
            for facet, (prop, path) in FACET_PROPERTIES.items()
            if facet in chosen
        ):
            continue
        if "incomplete" in chosen:
            cut = (record, MG.pageIncomplete, Literal(True)) in graph
            if cut != ("true" in chosen["incomplete"]):
                continue
        found.add(str(record))
    return found


def categories_of(graph: Graph, record: URIRef) -> set[str]:
    """The filter values (code, or the IRI's tail) of the record's categories and every broader one."""
    found: set[str] = set()
    for category in graph.objects(record, MG.inCategory):
        for node in graph.transitive_objects(category, MG.subcategoryOf):
            code = graph.value(node, SKOS.notation)
            found.add(str(code) if code is not None else str(node).removeprefix(f"{BASE}category/"))
    return found


def listed(client: httpx.Client, params: Params) -> dict[str, Any]:
    response = client.get("/mitigations", params=[*params, ("format", "json")])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    found: dict[str, Any] = response.json()
    return found


def iris(found: dict[str, Any]) -> list[str]:
    return [record["iri"] for record in found["records"]]


def shown_records(client: httpx.Client, path: str) -> list[str]:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    return [
        BASE + link.href.removeprefix("/id/")
        for link in read_page(response.text).links
        if link.href.startswith("/id/mitigation/")
    ]


STATES: list[Params] = [
    [],
    [("category", "1")],
    [("category", "1.1")],
    [("category", "2.2.5")],
    [("category", UNCODED)],
    [("stage", "deploy")],
    [("stage", "collect-and-process-data"), ("stage", "deploy")],
    [("actor", "developer")],
    [("function", "manage")],
    [("source", "fixture-report-on-safety-measures")],
    [("source", "fixture-generative-ai-profile"), ("category", "2")],
    [("category", "1"), ("stage", "collect-and-process-data")],
    [("incomplete", "true")],
    [("incomplete", "false"), ("category", "2")],
    [
        ("category", "1.1"),
        ("category", "2.2"),
        ("stage", "build-and-use-model"),
        ("stage", "verify-and-validate"),
    ],
]


@pytest.mark.parametrize("params", STATES, ids=lambda p: urlencode(p) or "everything")
def test_each_filter_gives_the_records_the_graph_says(
    page_http: httpx.Client, graph: Graph, params: Params
) -> None:
    found = listed(page_http, params)
    assert set(iris(found)) == expected(graph, params)
    assert found["total"] == len(expected(graph, params))
    assert set(shown_records(page_http, "/mitigations?" + urlencode(params))) == expected(graph, params)


def test_a_category_includes_its_subcategories(page_http: httpx.Client, graph: Graph) -> None:
    whole = set(iris(listed(page_http, [("category", "2.2")])))
    parts = set(iris(listed(page_http, [("category", "2.2.5")]))) | set(
        iris(listed(page_http, [("category", UNCODED)]))
    )
    assert parts and parts <= whole
    assert whole == expected(graph, [("category", "2.2")])


def test_words_narrow_the_list_with_stemming(page_http: httpx.Client) -> None:
    labels = {record["label"] for record in listed(page_http, [("q", "filters")])["records"]}
    assert "Data Filtering" in labels
    assert any("Output filtering" in label for label in labels)
    both = listed(page_http, [("q", "filtering"), ("stage", "deploy")])
    assert [record["label"] for record in both["records"]] == [
        "<script>alert('label')</script> Output filtering & <b>moderation</b>"
    ]


@pytest.mark.parametrize(
    "state", [[], [("category", "1")], [("stage", "deploy"), ("category", "1")], [("q", "training")]]
)
def test_each_choice_counts_the_records_it_would_give(page_http: httpx.Client, state: Params) -> None:
    found = listed(page_http, state)
    facets = found["facets"]
    assert isinstance(facets, dict)
    assert set(facets) == {"category", "stage", "actor", "function", "source"}
    for facet, choices in facets.items():
        for choice in choices:
            alone = [(name, value) for name, value in state if name != facet] + [(facet, choice["value"])]
            assert choice["count"] == listed(page_http, alone)["total"], (facet, choice)
            assert choice["selected"] == ((facet, choice["value"]) in state)


def test_a_choice_shows_its_count_beside_it(page_http: httpx.Client) -> None:
    html = page_http.get("/mitigations", params={"category": "1"}, headers=HTML).text
    counts = {c["value"]: c["count"] for c in listed(page_http, [("category", "1")])["facets"]["stage"]}
    reader = FormReader()
    reader.feed(html)
    assert {value: count for (name, value), count in reader.counts.items() if name == "stage"} == counts


def test_sorting(page_http: httpx.Client) -> None:
    by_label = [r["label"] for r in listed(page_http, [("sort", "label")])["records"]]
    assert by_label == sorted(by_label, key=str.casefold)
    assert listed(page_http, [])["records"] == listed(page_http, [("sort", "label")])["records"]
    by_code = listed(page_http, [("sort", "code")])["records"]
    codes = [code_key(r["category_code"][0]) if r["category_code"] else ((1 << 30, ""),) for r in by_code]
    assert codes == sorted(codes)
    ranked = [r["label"] for r in listed(page_http, [("q", "adversarial"), ("sort", "relevance")])["records"]]
    assert ranked[0] == "Adversarial training for robust alignment", "a match in the label ranks first"


def test_pages(page_http: httpx.Client) -> None:
    first = page_http.get("/mitigations", headers=HTML)
    assert "9 records." in read_page(first.text).text
    assert page_http.get("/mitigations?page=1", headers=HTML).status_code == 200
    beyond = page_http.get("/mitigations?category=1&page=2", headers=HTML)
    assert beyond.status_code == 404
    assert "it has 1 page" in read_page(beyond.text).text


def test_every_choice_is_a_link_to_the_list_with_it_and_back(page_http: httpx.Client) -> None:
    shown = read_page(page_http.get("/mitigations?category=1", headers=HTML).text)
    href = shown.href_of("Deploy")
    assert parse_qsl(urlsplit(href).query) == [("category", "1"), ("stage", "deploy")]
    added = read_page(page_http.get(href, headers=HTML).text)
    assert added.href_of("Deploy") == "/mitigations?category=1", "a chosen value's link removes it"
    assert added.href_of("Clear all") == "/mitigations"
    removed = [link.href for link in added.links if link.text == "✕"]
    assert sorted(removed) == ["/mitigations?category=1", "/mitigations?stage=deploy"]
    assert added.href_of("permalink") == href


def test_unknown_parameters_are_ignored(page_http: httpx.Client) -> None:
    assert listed(page_http, [("colour", "blue"), ("category", "1")]) == listed(
        page_http, [("category", "1")]
    )


def test_the_form_works_without_javascript(page_http: httpx.Client, graph: Graph) -> None:
    """Submitting the form as a browser does (checked boxes and the selects, by GET) gives the list."""
    reader = FormReader()
    reader.feed(page_http.get("/mitigations?actor=developer", headers=HTML).text)
    assert reader.action == "/mitigations" and reader.method == "get"
    assert reader.submit, "the form has a submit button"
    fields = [pair for pair in reader.fields if pair[0] != "q"]
    assert ("actor", "developer") in fields, "the chosen value is checked"
    assert ("stage", "deploy") not in fields
    fields.append(("stage", "build-and-use-model"))
    submitted = page_http.get("/mitigations", params=httpx.QueryParams(urlencode(fields)), headers=HTML)
    assert submitted.status_code == 200
    params = [(n, v) for n, v in fields if v]
    assert set(shown_records(page_http, "/mitigations?" + urlencode(fields))) == expected(graph, params)


def test_the_list_as_csv_has_the_download_columns_and_cells(page_http: httpx.Client) -> None:
    response = page_http.get("/mitigations", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    download = page_http.get("/download/mitigraph.csv")
    listed_rows, download_rows = read_csv(response.content), read_csv(download.content)
    assert listed_rows[0] == download_rows[0]
    assert cells(listed_rows) == cells(download_rows)
    accepted = page_http.get("/mitigations", params={"stage": "deploy"}, headers={"Accept": "text/csv"})
    assert accepted.headers["content-type"].startswith("text/csv")
    assert len(read_csv(accepted.content)) == 1 + len(iris(listed(page_http, [("stage", "deploy")])))


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def cells(rows: list[list[str]]) -> dict[str, list[frozenset[str]]]:
    """IRI -> each cell as a set of values (several values are joined with "; " in either order)."""
    return {
        row[0]: [frozenset(cell.split("; ")) if cell else frozenset() for cell in row] for row in rows[1:]
    }


def test_the_list_as_json_by_accept(page_http: httpx.Client) -> None:
    response = page_http.get("/mitigations", params={"category": "1"}, headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("application/json")
    found = response.json()
    assert found["filters"] == {"q": "", "category": ["1"], "incomplete": None}
    assert iris(found) == shown_records(page_http, "/mitigations?category=1")
    assert "Vary" in response.headers and "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    "params",
    [[], [("category", "1")], [("stage", "deploy"), ("stage", "collect-and-process-data")],
     [("category", "2"), ("incomplete", "false")], [("incomplete", "true")], [("category", UNCODED)],
     [("source", "fixture-report-on-safety-measures"), ("actor", "developer"), ("function", "manage")]],
    ids=lambda p: urlencode(p) or "everything",
)  # fmt: skip
def test_this_list_in_sparql_gives_the_same_records(page_http: httpx.Client, params: Params) -> None:
    shown = read_page(page_http.get("/mitigations?" + urlencode(params), headers=HTML).text)
    link = shown.href_of("this list in SPARQL")
    assert link.startswith("/sparql?query=")
    query = parse_qs(urlsplit(link).query)["query"][0]
    answer = page_http.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.text
    found = [row["mitigation"]["value"] for row in answer.json()["results"]["bindings"]]
    assert len(found) == len(set(found))
    assert set(found) == set(iris(listed(page_http, params)))


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ([("category", "9.9.9")], "category"),
        ([("stage", "nowhere")], "stage"),
        ([("actor", "robot")], "actor"),
        ([("function", "x" * 500)], "function"),
        ([("source", "no-such-source")], "source"),
        ([("incomplete", "maybe")], "incomplete"),
        ([("sort", "random")], "sort"),
        ([("page", "0")], "page"),
        ([("page", "two")], "page"),
        ([("page", "99999999999")], "page"),
        ([("q", "a" * 201)], "q"),
        ([("q", " ".join(["word"] * 17))], "q"),
        ([("stage", f"s{n}") for n in range(21)], "stage"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
@pytest.mark.parametrize("accept", ["text/html", "*/*", "application/json"])
def test_a_bad_value_is_a_400_naming_the_parameter(
    page_http: httpx.Client, params: Params, parameter: str, accept: str
) -> None:
    response = page_http.get("/mitigations?" + urlencode(params), headers={"Accept": accept})
    assert response.status_code == 400, response.text[:300]
    assert f"?{parameter}=" in response.text
