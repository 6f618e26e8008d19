"""Headless Chromium uses the SPARQL editor as a person does: the page loads from this server only, carries
the site's header, has one tab per example, runs a query, links our IRIs to this server's pages, keeps row
numbers apart from the first column, and opens an example followed from /queries."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from tests.support.servers import RunningServer

from mitigraph.examples import example_queries
from mitigraph.namespaces import MG
from mitigraph.settings import Settings
from mitigraph.web.editor import editor_url

pytestmark = pytest.mark.browser

WAIT_SECONDS = 30
EXAMPLES = example_queries()
TAB_NAMES = (
    "return [...document.querySelectorAll('.tabsList .tab a[role=tab] > span')].map(e => e.textContent)"
)
ACTIVE_TAB = "return document.querySelector('.tabsList .tab.active a[role=tab] > span').textContent"
EDITOR_TEXT = "return document.querySelector('.CodeMirror').CodeMirror.getValue()"


def open_editor(browser: Any, url: str) -> WebDriverWait[WebDriver]:
    assert isinstance(browser, WebDriver)
    browser.get(url)
    wait = WebDriverWait(browser, WAIT_SECONDS)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror")))
    return wait


def run_query(browser: WebDriver, wait: WebDriverWait[WebDriver]) -> None:
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".yasqe_queryButton"))).click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".yasr table.dataTable tbody td")))


def test_the_editor_loads_from_this_server_and_runs_the_first_example(
    browser: Any, project_server: RunningServer
) -> None:
    wait = open_editor(browser, project_server.sparql)
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page loaded its scripts and style sheets"
    assert {urlsplit(url).netloc for url in loaded} == {urlsplit(project_server.url).netloc}
    assert "mg:subcategoryOf*" in browser.execute_script(EDITOR_TEXT), "the first example opens"
    run_query(browser, wait)
    table = browser.find_element(By.CSS_SELECTOR, ".yasr table.dataTable")
    wait.until(lambda _: "Capability Modification" in table.text)
    assert "Training Data" in table.text


def test_the_editor_has_the_sites_header(browser: Any, project_server: RunningServer) -> None:
    open_editor(browser, project_server.sparql)
    header = browser.find_element(By.CSS_SELECTOR, "header.site")
    assert header.is_displayed()
    links = {link.text: link.get_attribute("href") for link in header.find_elements(By.CSS_SELECTOR, "a")}
    assert links["Mitigraph"] == project_server.url + "/"
    assert links["SPARQL"] == project_server.sparql
    assert links["Example queries"] == project_server.url + "/queries"
    assert header.find_element(By.CSS_SELECTOR, "form.search input[name=q]").is_displayed()


def test_one_tab_per_example_named_after_it_and_the_first_open(
    browser: Any, project_server: RunningServer
) -> None:
    open_editor(browser, project_server.sparql)
    names = browser.execute_script(TAB_NAMES)
    assert names == [example.label for example in EXAMPLES]
    assert len(set(names)) == len(names), "no tab repeats another"
    assert browser.execute_script(ACTIVE_TAB) == EXAMPLES[0].label


def test_our_iris_in_results_link_to_this_servers_pages(browser: Any, project_server: RunningServer) -> None:
    base = Settings().base
    other = str(MG.Mitigation)
    assert not other.startswith(base)
    query = f"SELECT ?ours ?other WHERE {{ ?ours a ?other . FILTER(?other = <{other}>) }} LIMIT 1"
    wait = open_editor(browser, project_server.url + editor_url(query))
    run_query(browser, wait)
    links = {
        link.text.strip("<>"): link.get_attribute("href")
        for link in browser.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable a.iri")
    }
    ours = [iri for iri in links if iri.startswith(base)]
    assert len(ours) == 1, links
    assert links[ours[0]] == project_server.url + "/id/" + ours[0].removeprefix(base)
    assert links[other] == other, "IRIs outside our namespace keep their own address"
    with httpx.Client(timeout=30) as client:
        page = client.get(links[ours[0]], headers={"Accept": "text/html"})
    assert page.status_code == 200, "the link leads to the record's page"
    assert "Mitigraph" in page.text


def test_row_numbers_stay_apart_from_the_first_column(browser: Any, project_server: RunningServer) -> None:
    wait = open_editor(browser, project_server.sparql)
    run_query(browser, wait)
    gaps = browser.execute_script(
        """return [...document.querySelectorAll('.yasr table.dataTable tbody tr')].slice(0, 20).map(row => {
             const number = row.querySelector('.rowNumber').getBoundingClientRect();
             const first = row.children[1].querySelector('span').getBoundingClientRect();
             return first.left - number.right;
           })"""
    )
    assert gaps and min(gaps) >= 8, f"pixels between row number and first value: {gaps}"


def test_an_example_opened_from_the_queries_page_is_its_tab(
    browser: Any, project_server: RunningServer
) -> None:
    assert isinstance(browser, WebDriver)
    browser.get(project_server.url + "/queries")
    wait = WebDriverWait(browser, WAIT_SECONDS)
    example = EXAMPLES[3]
    section = browser.find_element(
        By.XPATH, f"//section[h2[normalize-space()={xpath_string(example.label)}]]"
    )
    section.find_element(By.LINK_TEXT, "Open in the editor").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror")))
    assert urlsplit(browser.current_url).path == "/sparql"
    assert browser.execute_script(ACTIVE_TAB) == example.label
    assert browser.execute_script(EDITOR_TEXT).strip() == example.query.strip()
    assert browser.execute_script(TAB_NAMES) == [e.label for e in EXAMPLES], "no tab added"


def test_a_linked_query_that_is_no_example_opens_in_a_tab_of_its_own(
    browser: Any, project_server: RunningServer
) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    open_editor(browser, project_server.url + editor_url(query))
    names = browser.execute_script(TAB_NAMES)
    assert names[1:] == [example.label for example in EXAMPLES]
    assert browser.execute_script(ACTIVE_TAB) == names[0]
    assert browser.execute_script(EDITOR_TEXT) == query


def xpath_string(text: str) -> str:
    """`text` as an XPath 1.0 string literal (which has no escapes)."""
    if "'" not in text:
        return f"'{text}'"
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"
