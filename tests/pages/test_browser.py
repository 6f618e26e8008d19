"""A real browser (Debian's headless Chromium) runs an example query in YASGUI, then walks the pages."""

from __future__ import annotations

import pytest
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

WAIT_SECONDS = 30


def test_yasgui_runs_an_example_query_and_shows_the_results_table(
    browser: object, page_server: RunningServer
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(f"{page_server.url}/sparql")
    wait = WebDriverWait(browser, WAIT_SECONDS)
    editor = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror")))
    assert "mg:subcategoryOf*" in editor.text, "the first example query opens in the editor"
    assert (
        "Counts per category and lifecycle stage" in browser.find_element(By.CSS_SELECTOR, ".tabsList").text
    )
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".yasqe_queryButton"))).click()
    table = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".yasr table.dataTable")))
    wait.until(lambda _: "Learning Objectives" in table.text)
    assert "Adversarial training for robust alignment" in table.text
    assert "Training Data" in table.text


def test_a_mitigation_page_leads_to_its_category(browser: object, page_server: RunningServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(f"{page_server.url}/id/mitigation/fixture-page")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Adversarial training for robust alignment"
    category = browser.find_element(By.CSS_SELECTOR, "dl.facts dd a[href='/id/category/1.1.2']")
    assert category.text == "1.1.2 Learning Objectives"
    category.click()
    WebDriverWait(browser, WAIT_SECONDS).until(ec.url_to_be(f"{page_server.url}/id/category/1.1.2"))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "1.1.2 Learning Objectives"
    assert (
        "Adversarial training for robust alignment"
        in browser.find_element(By.CSS_SELECTOR, "table.members").text
    )
