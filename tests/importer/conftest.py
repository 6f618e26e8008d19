"""Fixtures for the importer tests: the reference terms, loaded once, and a way to import one page fixture."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from importer_helpers import PAGE_FIXTURES
from rdflib import Graph

from mitigraph.importer import PageImport, import_page, reference_terms
from mitigraph.importer.taxonomy_match import ReferenceTerms
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
    """Import one page fixture by name: `imported("no_also_in")`."""

    def run(name: str, *, url: str | None = None) -> PageImport:
        return import_page(PAGE_FIXTURES / f"{name}.txt", terms=terms, url=url)

    return run
