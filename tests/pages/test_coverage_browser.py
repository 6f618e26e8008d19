"""`/coverage` in a real browser (Debian's headless Chromium) at a phone's width and a desktop's: the page
never scrolls sideways, each map scrolls inside its own box, and no category or column name runs onto a
third line."""

from __future__ import annotations

import pytest
from tests.support.browser import DESKTOP, PHONE, open_at
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

MAX_LINES = 2

LINES_OF_NAMES = """
const lines = (selector, across) => Array.from(document.querySelectorAll(selector)).map((link) => {
  const box = link.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(link).lineHeight);
  return [link.textContent.trim(), Math.round((across ? box.width : box.height) / line)];
});
return {
  rows: lines('table.heatmap th.category a', false),
  columns: lines('table.heatmap th.column a', true),
};
"""
"""How many lines a name takes on the screen: the height of its box over its line height (the width, for the
turned column names, whose lines run top to bottom)."""


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coverage_fits_the_screen_and_its_names_fit_two_lines(
    browser: object, project_server: RunningServer, size: tuple[int, int]
) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver

    driver = open_at(browser, f"{project_server.url}/coverage", size)
    assert isinstance(driver, WebDriver)
    page_width, viewport = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert viewport == size[0]
    assert page_width <= viewport, f"the page scrolls sideways at {size[0]} px ({page_width} px wide)"
    boxes = driver.execute_script(
        "return Array.from(document.querySelectorAll('.table-scroll')).map("
        "(box) => [box.getBoundingClientRect().right, box.clientWidth, box.scrollWidth])"
    )
    assert len(boxes) == 2, "two maps: by lifecycle stage and by source"
    for right, inside, whole in boxes:
        assert right <= viewport, "a map's box runs past the screen"
        if size == PHONE:
            assert whole > inside, "at a phone's width the map is wider than its box, which scrolls"
    names = driver.execute_script(LINES_OF_NAMES)
    assert names["rows"] and names["columns"]
    for kind in ("rows", "columns"):
        long = [(name, lines) for name, lines in names[kind] if lines > MAX_LINES]
        assert long == [], f"{kind} names on more than {MAX_LINES} lines at {size[0]} px: {long}"


def test_a_map_scrolls_inside_its_box_on_a_phone(browser: object, project_server: RunningServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    driver = open_at(browser, f"{project_server.url}/coverage", PHONE)
    assert isinstance(driver, WebDriver)
    box = driver.find_element(By.CSS_SELECTOR, "#by-stage .table-scroll")
    first_name = driver.find_element(By.CSS_SELECTOR, "#by-stage th.category a")
    before = first_name.location["x"]
    driver.execute_script("arguments[0].scrollLeft = 200", box)
    assert driver.execute_script("return arguments[0].scrollLeft", box) > 0
    assert driver.execute_script("return window.scrollX") == 0, "the page itself did not move"
    assert first_name.location["x"] == before, "the category names stay in view while the cells scroll"
