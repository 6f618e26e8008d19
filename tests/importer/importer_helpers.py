"""Helpers for the importer tests: where the pages are, SPARQL with our prefixes, running the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import Graph

from mitigraph.namespaces import sparql_prologue

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "pages"
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
MITIGRAPH = Path(sys.executable).parent / "mitigraph"
COMMAND_TIMEOUT = 60


def seed_pages() -> list[Path]:
    pages = sorted(SEEDS.glob("*.txt"))
    assert pages, f"the seed pages are missing: expected them in {SEEDS}"
    return pages


def select(graph: Graph, query: str) -> list[tuple[str | None, ...]]:
    """Rows of a SPARQL SELECT with our prefixes, every value as its string (None when unbound)."""
    rows = graph.query(sparql_prologue() + query)
    return [tuple(str(value) if value is not None else None for value in row) for row in rows]  # type: ignore[union-attr]


def run_mitigraph(*args: str | Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed `mitigraph` command as a user would."""
    return subprocess.run(
        [str(MITIGRAPH), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
