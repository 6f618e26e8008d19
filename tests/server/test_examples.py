"""Every curated example query runs over HTTP against the real server and gives a sensible result."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from mitigraph.examples import ExampleQuery, example_queries

EXAMPLES = example_queries()
REQUIRED = [
    "mitigations-in-category",
    "counts-per-category-and-stage",
    "limitations-and-what-addresses-them",
    "unaddressed-limitations",
    "items-of-a-source-with-authors",
    "mitigations-with-their-parts",
    "text-search",
]
EXPERT_SURVEY_AUTHORS = [
    "O'Brien",
    "Dolan",
    "Kim",
    "Dykhuizen",
    "Sania",
    "Becker",
    "Kraprayoon",
    "Labrador",
]
"""The authors of the seed page's source, in the order the page gives them."""


def name(example: ExampleQuery) -> str:
    return example.iri.rsplit("/", 1)[-1]


def by_name(wanted: str) -> ExampleQuery:
    return next(example for example in EXAMPLES if name(example) == wanted)


def rows(client: httpx.Client, example: ExampleQuery) -> list[dict[str, str]]:
    response = client.get("/sparql", params={"query": example.query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return [{variable: value["value"] for variable, value in row.items()} for row in bindings]


def test_the_required_examples_exist() -> None:
    assert [wanted for wanted in REQUIRED if wanted not in {name(example) for example in EXAMPLES}] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=name)
def test_every_example_gives_a_non_empty_result(client: httpx.Client, example: ExampleQuery) -> None:
    assert example.comment and example.keywords
    if example.form == "select":
        found = rows(client, example)
        assert found, f"{example.file.name} returned no rows"
        assert all(row for row in found)
    elif example.form == "construct":
        response = client.get("/sparql", params={"query": example.query}, headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert len(Graph().parse(data=response.text, format="turtle")) > 0
    else:
        response = client.get("/sparql", params={"query": example.query})
        assert response.status_code == 200
        assert response.json()["boolean"] is True


def test_category_example_reaches_into_subcategories(client: httpx.Client) -> None:
    codes = {row["code"] for row in rows(client, by_name("mitigations-in-category"))}
    assert all(code == "1.1" or code.startswith("1.1.") for code in codes)
    assert {"1.1.1", "1.1.3"} <= codes


def test_counts_add_up_to_the_mitigations_with_a_category(client: httpx.Client) -> None:
    counted = rows(client, by_name("counts-per-category-and-stage"))
    total = sum(int(row["mitigations"]) for row in counted)
    response = client.get(
        "/sparql",
        params={
            "query": "PREFIX mg: <https://w3id.org/mitigraph/ontology#> "
            "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a mg:Mitigation ; mg:inCategory ?c }"
        },
    )
    mitigations = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert total >= mitigations > 0
    assert {"Plan and Design", "Build and Use Model"} <= {row["stage"] for row in counted}


def test_addressed_limitations_carry_their_justification(client: httpx.Client) -> None:
    found = rows(client, by_name("limitations-and-what-addresses-them"))
    assert all(row.get("justification") for row in found)
    jailbreaks = {row["addressedByLabel"] for row in found if row["limitationLabel"] == "Jailbreaks"}
    assert any("adversarial training" in label for label in jailbreaks)


def test_gaps_are_exactly_the_limitations_nothing_addresses(client: httpx.Client) -> None:
    addressed = {row["limitation"] for row in rows(client, by_name("limitations-and-what-addresses-them"))}
    gaps = {row["limitation"] for row in rows(client, by_name("unaddressed-limitations"))}
    assert gaps and addressed
    assert gaps.isdisjoint(addressed)


def test_source_example_lists_the_authors_in_order(client: httpx.Client) -> None:
    found = rows(client, by_name("items-of-a-source-with-authors"))
    assert {row["title"] for row in found} == {"Expert Survey: AI Reliability & Security Research Priorities"}
    authors = found[0]["authors"].split("; ")
    assert len(authors) == len(EXPERT_SURVEY_AUTHORS)
    assert all(family in author for family, author in zip(EXPERT_SURVEY_AUTHORS, authors, strict=True))
    assert len({row["mitigation"] for row in found}) == len(found) > 5


def test_parts_example_shows_wholes_with_their_parts(client: httpx.Client) -> None:
    found = rows(client, by_name("mitigations-with-their-parts"))
    assert ("Capability Limitation Mitigations", "Data Filtering") in {
        (row["wholeLabel"], row["partLabel"]) for row in found
    }
    assert all(row["whole"] != row["part"] for row in found)


def test_text_search_finds_the_word(client: httpx.Client) -> None:
    labels = {row["label"] for row in rows(client, by_name("text-search"))}
    assert any(label.startswith("Develop output-based adversarial training") for label in labels)


def test_taxonomy_example_is_a_skos_tree(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": by_name("taxonomy-as-skos").query})
    tree = Graph().parse(data=response.text, format="turtle")
    child = tree.value(predicate=SKOS.notation, object=Literal("1.1.3"))
    parent = tree.value(child, SKOS.broader)
    assert tree.value(parent, SKOS.notation) == Literal("1.1")


def test_examples_are_yasgui_tabs(client: httpx.Client) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"}).text
    assert [example.label for example in EXAMPLES if example.label not in page] == []
