"""Debian's headless Chromium, driven by selenium: the browser tests' and the README screenshots' one way to
start it, and to open a page at a phone's or a desktop's size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
BROWSER_WAIT_SECONDS = 30
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
"""Without the background-networking flags Chromium keeps trying to reach Google's hosts."""
PHONE = (390, 844)
"""A phone's screen in CSS pixels (width, height)."""
DESKTOP = (1280, 900)


def chromium_installed() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


@contextmanager
def headless_chromium(profile: Path) -> Iterator[Any]:
    """A selenium WebDriver for Debian's chromium with a fresh profile in `profile`; quit when done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(BROWSER_WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def open_at(browser: Any, url: str, size: tuple[int, int]) -> Any:
    """Load `url` in `browser` with its viewport set to `size` (a phone's is a mobile viewport)."""
    width, height = size
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.get(url)
    return browser
