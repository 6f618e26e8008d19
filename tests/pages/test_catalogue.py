"""The real catalogue's variations as a reader meets them (tests/pages/fixtures/catalogue.ttl).

A record whose saved page was cut off is marked on every list and explained on its own page, NIST tags show
with their labels, and categories learnt from the pages show as provisional, named, never as "None".
"""

from __future__ import annotations

import httpx
import pytest
from html_reading import Page, read_page

HTML = {"Accept": "text/html"}
CUT_OFF = "Publish an incident hotline"
CUT_OFF_PATH = "/id/mitigation/fixture-cut-page"
SOURCELESS = "Rate-limit requests from new accounts"
TAGGED = "Verify the provenance of generated content"
TAGGED_PATH = "/id/mitigation/fixture-nist-page"
COMPLETE = "Adversarial training for robust alignment"
CODED_PROVISIONAL = "2.2.5 Incident Reporting"
UNCODED_PATH = "/id/category/under-2.2--disclosure-of-how-a-system-was-evaluated-before-its-release"
UNCODED_TITLE = "Disclosure of how a system was evaluated before its release, written for the…"
UNCODED_DEFINITION = (
    "Disclosure of how a system was evaluated before its release, written for the people who rely on it."
)


def page(client: httpx.Client, path: str) -> Page:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    return read_page(response.text)


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        ("/id/category/2.2", {CUT_OFF, SOURCELESS}),
        ("/id/category/2", {CUT_OFF, SOURCELESS}),
        ("/id/category/2.2.5", {CUT_OFF, SOURCELESS}),
        ("/mitigations", {CUT_OFF, SOURCELESS}),
        ("/search?q=hotline", {CUT_OFF}),
        ("/search?q=incident", {CUT_OFF}),
        ("/id/source/fixture-generative-ai-profile", {CUT_OFF}),
    ],
)
def test_lists_mark_the_records_whose_page_was_cut_off(
    page_http: httpx.Client, path: str, marked: set[str]
) -> None:
    shown = page(page_http, path)
    records = [link for link in shown.links if link.href.startswith("/id/mitigation/")]
    assert {link.text for link in records if link.markers == ("incomplete",)} == marked
    assert all(link.markers == () for link in records if link.text not in marked)


def test_a_complete_record_carries_no_marker(page_http: httpx.Client) -> None:
    shown = page(page_http, "/mitigations")
    assert shown.link_reading(COMPLETE).markers == ()
    assert shown.link_reading(TAGGED).markers == ()


def test_the_cut_off_record_says_so_on_its_page(page_http: httpx.Client) -> None:
    shown = page(page_http, CUT_OFF_PATH)
    assert "Incomplete record." in shown.text
    assert "The saved copy of this record's navigator page was cut off" in shown.text
    assert "Lifecycle stage Not on the saved page." in shown.text
    assert shown.link_reading("Navigator page fixture-cut-page").markers == ("incomplete",)


@pytest.mark.parametrize("path", [TAGGED_PATH, "/id/mitigation/fixture-page"])
def test_a_complete_record_has_no_notice(page_http: httpx.Client, path: str) -> None:
    shown = page(page_http, path)
    assert "Incomplete record." not in shown.text
    assert "cut off" not in shown.text


def test_nist_tags_show_with_their_labels(page_http: httpx.Client) -> None:
    shown = page(page_http, TAGGED_PATH)
    assert "NIST GenAI risk Information Integrity" in shown.text
    assert "NIST AI actor task AI Deployment" in shown.text
    assert shown.href_of("Information Integrity") == "/id/nist-genai-risk/information-integrity"
    assert shown.href_of("AI Deployment") == "/id/nist-actor-task/ai-deployment"


def test_a_record_whose_pages_show_no_source_says_so(page_http: httpx.Client) -> None:
    assert (
        "Source Not shown on the saved navigator pages."
        in page(page_http, "/id/mitigation/fixture-sourceless-page").text
    )
    assert "Source None recorded." not in page(page_http, "/id/mitigation/fixture-sourceless-page").text


def test_a_doubtful_abstract_is_flagged(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/source/fixture-generative-ai-profile")
    assert "This abstract may belong to another document." in shown.text
    assert "The abstract mentions 2031, after the document's own year." in shown.text
    assert "A profile of generative AI risks, written in 2031 for the page tests." in shown.text


def test_records_without_nist_tags_show_no_nist_rows(page_http: httpx.Client) -> None:
    assert "NIST" not in page(page_http, "/id/mitigation/fixture-page").text


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/id/nist-genai-risk/information-integrity", "NIST GenAI risk · NIST AI 600-1 generative AI risks"),
        ("/id/nist-actor-task/ai-deployment", "NIST AI actor task · NIST AI actor tasks"),
    ],
)
def test_a_nist_tag_lists_the_records_naming_it(page_http: httpx.Client, path: str, kind: str) -> None:
    shown = page(page_http, path)
    assert shown.text.count(kind) >= 1
    assert "Mitigations (1)" in shown.text
    assert shown.href_of(TAGGED) == TAGGED_PATH


@pytest.mark.parametrize(
    ("path", "provisional"),
    [
        ("/", {UNCODED_TITLE, CODED_PROVISIONAL}),
        ("/coverage", {UNCODED_TITLE, CODED_PROVISIONAL}),
        ("/id/category/2.2", {UNCODED_TITLE, CODED_PROVISIONAL}),
        ("/mitigations", {UNCODED_TITLE, CODED_PROVISIONAL}),
        (TAGGED_PATH, {UNCODED_TITLE}),
    ],
)
def test_provisional_categories_are_named_and_marked(
    page_http: httpx.Client, path: str, provisional: set[str]
) -> None:
    shown = page(page_http, path)
    assert {link.text for link in shown.links if "provisional" in link.markers} == provisional
    assert shown.href_of(UNCODED_TITLE) == UNCODED_PATH
    assert [link.text for link in shown.links if "None" in link.text] == []


def test_a_category_without_a_code_explains_itself(page_http: httpx.Client) -> None:
    shown = page(page_http, UNCODED_PATH)
    assert "(name not yet known)" in shown.text
    assert "Provisional category." in shown.text
    assert "which show its description but not its code" in shown.text
    assert "Not yet known." in shown.text
    assert UNCODED_DEFINITION in shown.text
    assert "None" not in shown.text
    assert shown.href_of("2.2 Risk & Assurance") == "/id/category/2.2"


def test_a_provisional_category_with_a_code_shows_it(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/category/2.2.5")
    assert "Provisional category." in shown.text
    assert "Not yet known." not in shown.text
    assert "but not its code" not in shown.text


def test_category_counts_the_records_from_cut_off_pages(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/category/2.2")
    assert "0 in this category, 4 including its subcategories; 2 of them from navigator pages" in shown.text


def test_home_counts_the_catalogue_caveats(page_http: httpx.Client) -> None:
    shown = page(page_http, "/")
    assert "Records from navigator pages whose saved copy was cut off: 2." in shown.text
    assert "Categories learnt from the pages, provisional until the reference taxonomy confirms them: 2." in (
        shown.text
    )
    assert "Categories whose code no page has shown yet: 1." in shown.text
    assert "NIST AI 600-1 GenAI risks (1 distinct) and NIST AI actor tasks (1 distinct): 1." in shown.text
    assert {"/mitigations", "/sources"} <= {link.href for link in shown.links}


def test_coverage_counts_records_with_no_stage(page_http: httpx.Client) -> None:
    response = page_http.get("/coverage", headers=HTML)
    shown = read_page(response.text)
    assert "No stage given" in shown.text and "All" in shown.text
    row = response.text.split('href="/id/category/2.2.5"', 1)[1].split("</tr>", 1)[0]
    assert row.endswith('<td class="margin">2</td><td class="margin">2</td>')
