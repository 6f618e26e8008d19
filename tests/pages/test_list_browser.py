"""The filterable list in a real browser (Debian's headless Chromium): filtering by clicking a choice,
by ticking boxes and submitting the form, removing a filter, searching its words; and at a phone's width
the list and the search fit the screen, never scrolling sideways."""

from __future__ import annotations

import pytest
from tests.support.browser import DESKTOP, PHONE, open_at
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

WAIT_SECONDS = 30
RECORD_LINKS = "ol.listing > li > a:first-child"


def records(driver: object) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(driver, WebDriver)
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, RECORD_LINKS)]


def wait_for_address(driver: object, *parts: str) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(driver, WebDriver)
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: all(part in d.current_url for part in parts))


def test_filtering_the_list_by_clicking(browser: object, page_server: RunningServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    driver = open_at(browser, f"{page_server.url}/mitigations", DESKTOP)
    assert isinstance(driver, WebDriver)
    assert len(records(driver)) == 9
    driver.find_element(By.CSS_SELECTOR, "#facet-actor a.choice").click()
    wait_for_address(driver, "actor=developer")
    assert records(driver) == ["Adversarial training for robust alignment"]
    assert "Actor: Developer" in driver.find_element(By.CSS_SELECTOR, "ul.active-filters").text

    driver.get(f"{page_server.url}/mitigations")
    for stage in ("collect-and-process-data", "deploy"):
        driver.find_element(By.CSS_SELECTOR, f"input[name='stage'][value='{stage}']").click()
    driver.find_element(By.CSS_SELECTOR, "form.list-filters button[type='submit']").click()
    wait_for_address(driver, "stage=collect-and-process-data", "stage=deploy")
    assert sorted(records(driver)) == [
        "<script>alert('label')</script> Output filtering & <b>moderation</b>",
        "Data Filtering",
        "Data Filtering",
    ]
    driver.find_element(
        By.CSS_SELECTOR, "ul.active-filters a[aria-label='Remove Lifecycle stage: Deploy']"
    ).click()
    wait_for_address(driver, "stage=collect-and-process-data")
    assert "deploy" not in driver.current_url
    assert records(driver) == ["Data Filtering", "Data Filtering"]

    words = driver.find_element(By.ID, "list-q")
    words.clear()
    words.send_keys("hazardous")
    driver.find_element(By.CSS_SELECTOR, "form.list-filters button[type='submit']").click()
    wait_for_address(driver, "q=hazardous", "stage=collect-and-process-data")
    marked = driver.find_elements(By.CSS_SELECTOR, "ol.listing mark")
    assert marked and {mark.text.lower() for mark in marked} == {"hazardous"}


@pytest.mark.parametrize(
    "path", ["/mitigations", "/mitigations?q=model&stage=deploy", "/search?q=training+data", "/sources"]
)
def test_the_list_fits_a_phone(browser: object, project_server: RunningServer, path: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    driver = open_at(browser, f"{project_server.url}{path}", PHONE)
    assert isinstance(driver, WebDriver)
    page_width, viewport = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert viewport == PHONE[0]
    assert page_width <= viewport, f"{path} scrolls sideways at {PHONE[0]} px ({page_width} px wide)"
    shown = driver.find_elements(By.CSS_SELECTOR, "ol.listing > li, ol.hits > li")
    assert shown, f"{path} lists nothing"
    for item in shown[:10]:
        box = item.rect
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, (
            f"{item.text[:60]!r} runs off the screen"
        )
    assert shown[0].is_displayed()
