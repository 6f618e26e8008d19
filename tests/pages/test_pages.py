"""Every kind of page renders what a reader needs, with labels (never bare IRIs) on every link."""

from __future__ import annotations

import httpx
import pytest
from html_reading import Page, read_page
from structure_reading import Table, read_structure

HTML = {"Accept": "text/html"}
RECORD = "/id/mitigation/fixture-page"
WHOLE = "/id/mitigation/fixture-report-on-safety--theoretical-foundations"
PART = "/id/mitigation/fixture-report-on-safety--theoretical-foundations--formal-verification"
FILTERING = "/id/mitigation/fixture-report-on-safety--data-filtering"
FILTERING_AGAIN = "/id/mitigation/fixture-report-on-safety--2-1-data-filtering"
MARKUP = "/id/mitigation/fixture-report-on-safety--markup"
SOURCE = "/id/source/fixture-report-on-safety-measures"
ADVERSARIAL = "Adversarial training for robust alignment"

EVERY_KIND_OF_PAGE = [
    "/",
    RECORD,
    WHOLE,
    PART,
    FILTERING,
    MARKUP,
    "/id/category/1",
    "/id/category/1.1",
    "/id/category/1.2.1",
    "/id/category/2.2",
    "/id/category/under-2.2--disclosure-of-how-a-system-was-evaluated-before-its-release",
    SOURCE,
    "/id/limitation/jailbreaks",
    "/id/limitation/robustness-challenges",
    "/id/actor/developer",
    "/id/lifecycle-stage/collect-and-process-data",
    "/id/agent/o-brien-joe",
    "/id/taxonomy",
    "/id/lifecycle-stage",
    "/id/page/fixture-page",
    "/id/mitigation/fixture-cut-page",
    "/id/mitigation/fixture-nist-page",
    "/id/nist-genai-risk/information-integrity",
    "/id/nist-actor-task/ai-deployment",
    "/mitigations",
    "/sources",
    "/search?q=data",
    "/coverage",
    "/queries",
    "/ontology",
    "/shapes",
]


def page(client: httpx.Client, path: str) -> Page:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    assert response.headers["content-type"].startswith("text/html")
    return read_page(response.text)


@pytest.mark.parametrize("path", EVERY_KIND_OF_PAGE)
def test_no_link_shows_a_bare_iri(page_http: httpx.Client, path: str) -> None:
    shown = page(page_http, path)
    assert shown.links, f"{path} has no links"
    assert shown.bare_iri_links() == []
    assert all(link.text for link in shown.links), f"{path} has a link with no text"


@pytest.mark.parametrize("path", EVERY_KIND_OF_PAGE)
def test_internal_links_lead_somewhere(page_http: httpx.Client, path: str) -> None:
    targets = {
        link.href.split("#")[0] for link in page(page_http, path).links if link.href.startswith("/id/")
    }
    for target in sorted(targets)[:20]:
        assert page_http.get(target, headers=HTML).status_code == 200, (
            f"{path} links to {target}, which is missing"
        )


def test_mitigation_page(page_http: httpx.Client) -> None:
    shown = page(page_http, RECORD)
    links = shown.link_texts()
    assert shown.text.count(ADVERSARIAL) >= 1
    assert "Train against adversarial examples" in shown.text
    for crumb in ("1 AI System", "1.1 Model", "1.1.2 Learning Objectives"):
        assert crumb in links
    assert shown.href_of("1.1.2 Learning Objectives") == "/id/category/1.1.2"
    assert "Fixture Report on Safety Measures" in links
    assert "(2025)" in shown.text
    for facet in ("Build and Use Model", "Developer", "Manage"):
        assert facet in links
    assert "Robustness challenges" in links
    assert "Jailbreaks" in links
    assert "Its text says it makes rephrased harmful requests fail" in shown.text
    assert "Adversarial training shapes behaviour through its training objective." in shown.text
    assert "Navigator page fixture-page" in links


def test_parts_and_whole(page_http: httpx.Client) -> None:
    assert page(page_http, WHOLE).href_of("Formal verification of AI systems") == PART
    assert page(page_http, PART).href_of("Theoretical foundations and provable safety") == WHOLE


def test_near_duplicates_link_both_ways(page_http: httpx.Client) -> None:
    assert FILTERING_AGAIN in {link.href for link in page(page_http, FILTERING).links}
    assert FILTERING in {link.href for link in page(page_http, FILTERING_AGAIN).links}
    assert "section 2.1" in page(page_http, FILTERING_AGAIN).text


def test_category_page_lists_what_is_in_it_and_below(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/category/1.1")
    links = shown.link_texts()
    assert "Changes to the model's learned parameters" in shown.text
    assert "1 AI System" in links
    for child in ("1.1.1 Training Data", "1.1.2 Learning Objectives", "1.1.3 Capability Modification"):
        assert child in links
    assert "1 in this category" not in shown.text
    assert "0 in this category, 3 including its subcategories" in shown.text
    assert ADVERSARIAL in links
    assert links.count("Data Filtering") == 4, "two rows, each naming the other as also listed"


def test_category_page_tells_records_of_one_label_apart(page_http: httpx.Client) -> None:
    response = page_http.get("/id/category/1.1.1", headers=HTML)
    members = table_captioned_members(response.text)
    rows = dict(zip(members.row_links, (cells[0] for cells in members.body), strict=True))
    assert rows[FILTERING] == (
        "Data Filtering Fixture Report on Safety Measures · also listed as Data Filtering (section 2.1)"
    )
    assert rows[FILTERING_AGAIN] == (
        "Data Filtering section 2.1 · Fixture Report on Safety Measures"
        " · also listed as Data Filtering (listed by Fixture Report on Safety Measures)"
    )


def table_captioned_members(html: str) -> Table:
    tables, _ = read_structure(html)
    assert len(tables) == 1, "a category page has one table: its members"
    return tables[0]


def test_category_page_says_where_it_comes_from(page_http: httpx.Client) -> None:
    assert "The reference taxonomy states this category." in page(page_http, "/id/category/1.1").text
    learnt = page(page_http, "/id/category/2.2.5").text
    assert (
        "This category was learnt from the imported navigator pages; the graph records no evidence" in learnt
    )


def test_top_category_counts_everything_below(page_http: httpx.Client) -> None:
    assert "0 in this category, 4 including its subcategories" in page(page_http, "/id/category/1").text


def test_source_page(page_http: httpx.Client) -> None:
    shown = page(page_http, SOURCE)
    links = shown.link_texts()
    authors = ["Zimmer, Ada", "O'Brien, Joe", "Frontier Model Forum"]
    assert [links.index(author) for author in authors] == sorted(links.index(author) for author in authors)
    assert "2025" in shown.text
    assert "A survey of safety measures, written for the page tests." in shown.text
    for category in ("1.1.1 Training Data", "1.1.2 Learning Objectives", "2.2.2 Testing & Evaluation"):
        assert category in links
    assert shown.text.index("1.1.1 Training Data") < shown.text.index("2.4.1 Research & Foundations")
    assert "Items (6)" in shown.text


def test_limitation_page(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/limitation/jailbreaks")
    links = shown.link_texts()
    assert "Adversarially rephrased requests bypass refusal training." in shown.text
    assert "Data Filtering" in links
    assert ADVERSARIAL in links
    assert "Its text says it makes rephrased harmful requests fail" in shown.text
    assert "Robustness challenges" in links


def test_limitation_family_lists_its_members(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/limitation/robustness-challenges")
    assert "Jailbreaks" in shown.link_texts()
    assert "Nothing recorded addresses it" in shown.text


def test_facet_value_page(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/lifecycle-stage/collect-and-process-data")
    assert "Gathering, curating, labelling, and preprocessing training data" in shown.text
    assert "Mitigations (2)" in shown.text
    assert shown.link_texts().count("Data Filtering") == 2
    assert "Lifecycle stages" in shown.link_texts()


def test_generic_page_shows_statements_with_labels(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/agent/o-brien-joe")
    assert "O'Brien, Joe" in shown.text
    assert "Person" in shown.text
    assert "Named as an author by:" in shown.text
    assert shown.href_of("Fixture Report on Safety Measures") == SOURCE
    assert {"name", "type", "creator"} <= set(shown.link_texts())
    assert "first" not in shown.link_texts(), "the author list's cells are structure, not shown"


def test_navigator_page_names_properties_and_says_it_cannot_be_linked(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/page/fixture-page")
    links = shown.link_texts()
    assert "Navigator page" in shown.text
    assert {"label", "type", "was derived from"} <= set(links)
    assert "wasDerivedFrom" not in shown.text
    assert "does not show the page's navigator id, so it cannot be linked to the navigator" in shown.text
    assert ADVERSARIAL in links


def test_scheme_page_points_at_the_dataset(page_http: httpx.Client) -> None:
    shown = page(page_http, "/id/lifecycle-stage")
    assert "it is part of Mitigraph page-test graph" in shown.text
    assert shown.href_of("Mitigraph page-test graph") == "/id/dataset"
    assert {"pref label", "definition"} <= set(shown.link_texts())


def test_home_page(page_http: httpx.Client) -> None:
    shown = page(page_http, "/")
    links = shown.link_texts()
    assert "9 mitigations" in shown.text
    assert "preliminary" in shown.text
    assert "The navigator marks these fixture records as preliminary too." in shown.text
    assert "1.1 Model 3" in shown.text
    assert "1 AI System 4" in shown.text
    hrefs = {link.href for link in shown.links}
    assert {"/sparql", "/ontology", "/download/mitigraph.ttl", "/download/mitigraph.csv"} <= hrefs
    assert "1.2.1 Guardrails & Filtering" in links


def test_queries_page_lists_the_examples(page_http: httpx.Client) -> None:
    shown = page(page_http, "/queries")
    assert "Mitigations in a category and its subcategories" in shown.text
    assert "SELECT" in shown.text


def test_unknown_page_is_a_404_page(page_http: httpx.Client) -> None:
    response = page_http.get("/no/such/page", headers=HTML)
    assert response.status_code == 404
    assert "Not found" in response.text


def test_stylesheet_is_served_locally(page_http: httpx.Client) -> None:
    response = page_http.get("/static/mitigraph.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
