"""Headless Chromium opens the endpoint's YASGUI: it loads from this server only, shows the examples, runs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from tests.support.servers import RunningServer

from mitigraph.examples import example_queries

pytestmark = pytest.mark.browser

WAIT_SECONDS = 30


def test_yasgui_loads_from_this_server_and_runs_the_first_example(
    browser: object, project_server: RunningServer
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(project_server.sparql)
    wait = WebDriverWait(browser, WAIT_SECONDS)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror")))

    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page loaded its script and style sheet"
    assert {urlsplit(url).netloc for url in loaded} == {urlsplit(project_server.url).netloc}

    tabs = browser.find_element(By.CSS_SELECTOR, ".tabsList").text
    examples = example_queries()
    assert [example.label for example in examples if example.label not in tabs] == []
    editor = browser.find_element(By.CSS_SELECTOR, ".CodeMirror").text
    assert "mg:subcategoryOf*" in editor, "the first example opens in the editor"

    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".yasqe_queryButton"))).click()
    table = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".yasr table.dataTable")))
    wait.until(lambda _: "Capability Modification" in table.text)
    assert "Training Data" in table.text
