"""`/search` over labels and texts, and the `/coverage` heat map."""

from __future__ import annotations

import httpx
import pytest
from html_reading import read_page


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


def test_results_are_bounded(page_http: httpx.Client) -> None:
    shown = read_page(search(page_http, "e").text)
    results = [link for link in shown.links if link.href.startswith("/id/")]
    assert 0 < len(results) <= 50


def test_coverage_matrix(page_http: httpx.Client) -> None:
    response = page_http.get("/coverage")
    assert response.status_code == 200
    shown = read_page(response.text)
    links = shown.link_texts()
    for stage in ("Collect and Process Data", "Deploy", "Plan and Design", "Verify and Validate"):
        assert stage in links
    assert "1.1.1 Training Data" in links
    assert "the darkest holds 2" in shown.text
    assert 'class="heat-5">2<' in response.text
    assert 'class="heat-0">0<' in response.text
