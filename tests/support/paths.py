"""Where things are: the repository, the data kept beside the clone, the saved pages and the test fixtures."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
"""Data beside the clone (CI checks it out next to the repository); the tests only read it."""
NAVIGATOR_PAGES = SHARED / "navigator-pages"
"""The saved navigator pages, one directory per kind (`truncated/` holds the pages that stop early)."""
SEEDS = SHARED / "seeds"
"""The two seed pages."""
PAGE_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "pages"
"""Made-up pages, one for each variation the importer meets."""


def navigator_pages() -> list[Path]:
    pages = sorted(NAVIGATOR_PAGES.glob("*/*.txt"))
    assert pages, f"the navigator pages are missing: expected them in {NAVIGATOR_PAGES}"
    return pages


def seed_pages() -> list[Path]:
    pages = sorted(SEEDS.glob("*.txt"))
    assert pages, f"the seed pages are missing: expected them in {SEEDS}"
    return pages
