"""`/search`: word search over labels and texts (stemming, folding, phrases, prefixes, ranking, highlighted
matches, pages), and the `/coverage` heat map."""

from __future__ import annotations

import httpx
import pytest
from html_reading import read_page
from structure_reading import table_captioned


def search(client: httpx.Client, text: str) -> httpx.Response:
    return client.get("/search", params={"q": text})


@pytest.mark.parametrize("text", ["data filtering", "DATA FILTERING", "Data Filtering", "  data filtering "])
def test_search_is_case_insensitive(page_http: httpx.Client, text: str) -> None:
    shown = read_page(search(page_http, text).text)
    assert shown.link_texts().count("Data Filtering") == 2


def test_search_finds_texts_and_ranks_labels_first(page_http: httpx.Client) -> None:
    shown = read_page(search(page_http, "formal").text)
    links = shown.link_texts()
    assert "Formal verification of AI systems" in links
    assert "Theoretical foundations and provable safety" not in links
    by_text = read_page(search(page_http, "formal methods").text)
    assert "Formal verification of AI systems" in by_text.link_texts()


def test_search_finds_categories_sources_and_limitations(page_http: httpx.Client) -> None:
    links = read_page(search(page_http, "robust").text).link_texts()
    assert "Robustness challenges" in links
    assert "Adversarial training for robust alignment" in links
    assert (
        "Fixture Report on Safety Measures"
        in read_page(search(page_http, "fixture report").text).link_texts()
    )
    assert "1.1.1 Training Data" in read_page(search(page_http, "training data").text).link_texts()


def test_empty_search_invites_a_query(page_http: httpx.Client) -> None:
    response = search(page_http, "")
    assert response.status_code == 200
    assert "Type a word or phrase" in response.text


def test_no_match_says_so(page_http: httpx.Client) -> None:
    response = search(page_http, "zyxwv")
    assert response.status_code == 200
    assert "Nothing matches" in response.text


def test_too_long_search_is_refused_clearly(page_http: httpx.Client) -> None:
    response = search(page_http, "a" * 201)
    assert response.status_code == 400
    assert "the most accepted is 200" in response.text


def test_results_are_bounded_and_paged(page_http: httpx.Client) -> None:
    shown = read_page(search(page_http, "the").text)
    results = [link for link in shown.links if link.href.startswith("/id/")]
    assert 0 < len(results) <= 50
    assert page_http.get("/search", params={"q": "the", "page": "2"}).status_code == 404
    bad = page_http.get("/search", params={"q": "the", "page": "x"})
    assert bad.status_code == 400
    assert "?page=" in bad.text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("filters", "Data Filtering"),
        ("FILTERED", "Data Filtering"),
        ("rate limit", "Rate-limit requests from new accounts"),
        ("rate-limit", "Rate-limit requests from new accounts"),
        ("Rate-Limit", "Rate-limit requests from new accounts"),
        ("trained", "Adversarial training for robust alignment"),
        ("adversar*", "Adversarial training for robust alignment"),
        ('"training data"', "1.1.1 Training Data"),
    ],
)
def test_words_are_stemmed_and_folded(page_http: httpx.Client, text: str, found: str) -> None:
    assert found in read_page(search(page_http, text).text).link_texts()


def test_hyphenated_and_spaced_words_find_the_same(page_http: httpx.Client) -> None:
    def hits(text: str) -> list[str]:
        links = read_page(search(page_http, text).text).links
        return [link.href for link in links if link.href.startswith("/id/")]

    assert hits("rate-limit") == hits("rate limit") == hits("RATE LIMIT")
    assert hits("rate-limit")


def test_a_phrase_keeps_its_word_order(page_http: httpx.Client) -> None:
    assert "1.1.1 Training Data" in read_page(search(page_http, '"training data"').text).link_texts()
    assert "1.1.1 Training Data" not in read_page(search(page_http, '"data training"').text).link_texts()


def test_a_prefix_needs_its_star(page_http: httpx.Client) -> None:
    assert "Nothing matches" in search(page_http, "adversar").text
    assert "Nothing matches" not in search(page_http, "adversar*").text


def test_matches_are_highlighted_in_labels_and_snippets(page_http: httpx.Client) -> None:
    response = search(page_http, "hazardous")
    assert "<mark>hazardous</mark>" in response.text
    assert "Data Filtering" in read_page(response.text).link_texts(), "a highlighted label reads as the label"
    assert "Data <mark>Filtering</mark>" in search(page_http, "filters").text


def test_search_leads_to_the_list_with_its_words(page_http: httpx.Client) -> None:
    shown = read_page(search(page_http, "filtering").text)
    assert shown.href_of("Narrow these records down") == "/mitigations?q=filtering"


STAGES_IN_LIFECYCLE_ORDER = [
    "Plan and Design",
    "Collect and Process Data",
    "Build and Use Model",
    "Verify and Validate",
    "Deploy",
    "Operate and Monitor",
    "Other (multiple stages)",
    "Other (outside lifecycle)",
    "Unable to classify",
]
"""The order data/facets.ttl states (skos:OrderedCollection), not the alphabetical one."""


def test_coverage_by_stage_in_lifecycle_order_with_totals(page_http: httpx.Client) -> None:
    response = page_http.get("/coverage")
    assert response.status_code == 200
    shown = read_page(response.text)
    assert "1.1.1 Training Data" in shown.link_texts()
    assert "the darkest cell holds 2" in shown.text
    assert 'class="heat-5">2<' in response.text
    assert 'class="heat-0">0<' in response.text
    stages = table_captioned(response.text, "Records by category and lifecycle stage")
    assert stages.head == [["Category", *STAGES_IN_LIFECYCLE_ORDER, "No stage given", "All"]]
    rows = {row[0]: [int(cell) for cell in row[1:]] for row in stages.body}
    assert rows["1 AI System"] == [0, 2, 1, 0, 1, 0, 0, 0, 0, 0, 4]
    assert rows["2.2.5 Incident Reporting provisional"] == [0] * 9 + [2, 2]
    assert stages.foot == [["All categories", "1", "2", "1", "1", "1", "0", "0", "0", "0", "3", "9"]]


def test_coverage_by_source(page_http: httpx.Client) -> None:
    response = page_http.get("/coverage")
    sources = table_captioned(response.text, "Records by category and source document")
    assert sources.head == [
        [
            "Category",
            "Fixture Report on Safety Measures",
            "Fixture Generative AI Profile",
            "No source shown",
            "All",
        ]
    ]
    rows = {row[0]: [int(cell) for cell in row[1:]] for row in sources.body}
    assert rows["1 AI System"] == [4, 0, 0, 4]
    assert rows["2 Organisation"] == [2, 2, 1, 5]
    assert rows["2.2.5 Incident Reporting provisional"] == [0, 1, 1, 2]
    assert sources.foot == [["All categories", "6", "2", "1", "9"]]
    links = read_page(response.text).links
    assert "/id/source/fixture-generative-ai-profile" in {link.href for link in links}
