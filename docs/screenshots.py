"""`make screenshots`: pictures of the site for the README, taken from the real server.

Starts `mitigraph serve` over the project's graph on a free loopback port, opens each page in Debian's
headless chromium (driven by selenium, as the browser tests drive it) at a desktop width, and saves one
PNG per page under docs/images/. Run it after a change to the pages, and commit the images it writes.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from tests.support.browser import (
    BROWSER_WAIT_SECONDS,
    CHROMEDRIVER,
    CHROMIUM,
    chromium_installed,
    headless_chromium,
)
from tests.support.paths import REPO_ROOT
from tests.support.servers import running_server

IMAGES = REPO_ROOT / "docs" / "images"
WIDTH = 1280
"""Width of every picture, in CSS pixels (one device pixel each)."""


@dataclass(frozen=True)
class Shot:
    """A page to picture: its path on the server, the PNG's name, and an element that shows it is ready."""

    path: str
    image: str
    ready: str = "main"
    """A CSS selector present once the page is drawn."""
    run: str | None = None
    """A button to click first, and `ready` is what it draws (the editor's run button, then its table)."""
    height: int = 800
    """Height of the picture, in CSS pixels: what a reader sees without scrolling, or more."""


SHOTS = (
    Shot("/", "home.png"),
    Shot("/mitigations?category=1.1&actor=developer", "mitigations-filtered.png"),
    Shot("/id/mitigation/A2230", "mitigation.png"),
    Shot("/sparql", "editor.png", ready=".yasr table", run=".yasqe_queryButton", height=1300),
)


def take(driver: webdriver.Chrome, base_url: str, shot: Shot, directory: Path) -> Path:
    """Open the page, wait until it is drawn, save its PNG; the path written."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": shot.height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(base_url + shot.path)
    wait = WebDriverWait(driver, BROWSER_WAIT_SECONDS)
    if shot.run is not None:
        wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, shot.run))).click()
    wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, shot.ready)))
    target = directory / shot.image
    if not driver.save_screenshot(str(target)):
        raise RuntimeError(f"chromium did not picture {shot.path}")
    return target


def main() -> int:
    if not chromium_installed():
        print(
            f"error: screenshots need {CHROMIUM} and {CHROMEDRIVER}: run `make system-deps`", file=sys.stderr
        )
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mitigraph-screenshots-") as scratch:
        logs, profile = Path(scratch, "logs"), Path(scratch, "profile")
        logs.mkdir()
        with running_server(log_dir=logs) as server, headless_chromium(profile) as driver:
            for shot in SHOTS:
                written = take(driver, server.url, shot, IMAGES)
                print(f"{written.relative_to(REPO_ROOT)}  <- {shot.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
