"""Opening a page in the headless browser at a given screen size, as a phone or a desktop shows it (the
browser tests' `browser` fixture is Debian's headless Chromium, driven by selenium)."""

from __future__ import annotations

PHONE = (390, 844)
"""A phone's screen in CSS pixels (width, height)."""
DESKTOP = (1280, 900)


def open_at(browser: object, url: str, size: tuple[int, int]) -> object:
    """Load `url` in `browser` with its viewport set to `size` (a phone's is a mobile viewport)."""
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    width, height = size
    browser.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.get(url)
    return browser
