"""Fixtures for the importer tests: the reference terms, loaded once, and ways to import page fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph
from tests.support.paths import PAGE_FIXTURES

from mitigraph.importer.importing import ImportResult, PageImport, import_page, import_pages, reference_terms
from mitigraph.importer.taxonomy import ReferenceTerms
from mitigraph.loader import load_files, reference_data_files


@pytest.fixture(scope="session")
def reference() -> Graph:
    """The taxonomy and the facet values, as the import command loads them. Do not modify it."""
    return load_files(reference_data_files()).graph


@pytest.fixture(scope="session")
def terms(reference: Graph) -> ReferenceTerms:
    return reference_terms(reference)


@pytest.fixture
def imported(terms: ReferenceTerms) -> Callable[..., PageImport]:
    """Import one page fixture on its own, by name: `imported("no_also_in")`."""

    def run(name: str, *, url: str | None = None) -> PageImport:
        return import_page(PAGE_FIXTURES / f"{name}.txt", terms=terms, url=url)

    return run


@pytest.fixture
def batch(terms: ReferenceTerms) -> Callable[..., ImportResult]:
    """Import page fixtures together, by name: `batch("joined/A9001", "joined/A9002")`."""

    def run(*names: str) -> ImportResult:
        return import_pages([PAGE_FIXTURES / f"{name}.txt" for name in names], terms=terms)

    return run


def fixture_path(name: str) -> Path:
    return PAGE_FIXTURES / f"{name}.txt"
