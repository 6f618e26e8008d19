"""Fixtures every test directory may use: the project's graph and the shapes, each loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from mitigraph.loader import LoadedGraph, load_project, load_shapes

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> LoadedGraph:
    """The published graph (ontology + data), loaded as every command loads it. Do not modify it."""
    return load_project()


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()
