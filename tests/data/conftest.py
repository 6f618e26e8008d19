"""The corpus (every saved navigator page and the two seeds) and what importing it all together gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_pages import corpus_pages
from rdflib import Graph

from mitigraph.importer.importing import ImportResult, import_pages, reference_terms
from mitigraph.loader import LoadedGraph, load_files, reference_data_files


@pytest.fixture(scope="session")
def pages() -> list[Path]:
    return corpus_pages()


@pytest.fixture(scope="session")
def imported_corpus(pages: list[Path]) -> ImportResult:
    """The whole corpus imported as `mitigraph import ... --merge` imports it."""
    terms = reference_terms(load_files(reference_data_files()).graph)
    return import_pages(pages, terms=terms)


@pytest.fixture(scope="session")
def graph(project: LoadedGraph) -> Graph:
    """The published graph (data/ as committed), which the import regenerates."""
    return project.graph
