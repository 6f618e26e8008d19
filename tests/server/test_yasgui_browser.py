"""Headless Chromium opens the endpoint's YASGUI: it loads from this server only, shows the examples, runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from serving import RunningServer

from mitigraph.examples import example_queries

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 30
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make system-deps`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_yasgui_loads_from_this_server_and_runs_the_first_example(
    chromium: object, server: RunningServer
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(chromium, WebDriver)
    chromium.get(server.sparql)
    wait = WebDriverWait(chromium, WAIT_SECONDS)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror")))

    loaded = chromium.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page loaded its script and style sheet"
    assert {urlsplit(url).netloc for url in loaded} == {urlsplit(server.url).netloc}

    tabs = chromium.find_element(By.CSS_SELECTOR, ".tabsList").text
    examples = example_queries()
    assert [example.label for example in examples if example.label not in tabs] == []
    editor = chromium.find_element(By.CSS_SELECTOR, ".CodeMirror").text
    assert "mg:subcategoryOf*" in editor, "the first example opens in the editor"

    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".yasqe_queryButton"))).click()
    table = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".yasr table.dataTable")))
    wait.until(lambda _: "Capability Modification" in table.text)
    assert "Training Data" in table.text
