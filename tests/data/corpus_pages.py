"""The corpus (the saved navigator pages and the seeds), and what a page shows, read with line rules of its
own (not with the importer).

A page is its non-blank lines; the third is the description of its record's category; its id is its file
name; a page in `truncated/` stops early (the corpus README says so) and its last line is cut off.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.paths import navigator_pages, seed_pages

WORD = re.compile(r"\w+")
GLUE = re.compile(r"(?<=[a-z)])(?=[A-Z0-9“‘\"])")
"""Where a page glues a category name to the next title (`Testing & EvaluationUsing safety margins`)."""
NIST_RISKS = re.compile(r"\[NIST GenAI risks: ([^\]]*)\]")
NIST_TASKS = re.compile(r"\[NIST AI Actor tasks: ([^\]]*)\]")


def corpus_pages() -> list[Path]:
    """Every saved navigator page, then the seeds."""
    return navigator_pages() + seed_pages()


def lines_of(page: Path) -> list[str]:
    return [line.strip() for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]


def category_description(page: Path) -> str:
    return lines_of(page)[2]


def stops_early(page: Path) -> bool:
    return page.parent.name == "truncated"


def cut_off_line(page: Path) -> str:
    return lines_of(page)[-1]


def words(text: str) -> set[str]:
    """The words of a text, glued names and titles taken apart."""
    return {word.casefold() for word in WORD.findall(GLUE.sub(" ", text))}


def spaced(text: str) -> str:
    return " ".join(text.split())


def nist_tags(page: Path) -> tuple[set[str], set[str]]:
    """The NIST GenAI risks (`;`-separated) and actor tasks (`,`-separated) the page's text names."""
    text = page.read_text(encoding="utf-8")
    risks = {r.strip() for m in NIST_RISKS.finditer(text) for r in m.group(1).split(";") if r.strip()}
    tasks = {t.strip() for m in NIST_TASKS.finditer(text) for t in m.group(1).split(",") if t.strip()}
    return risks, tasks
