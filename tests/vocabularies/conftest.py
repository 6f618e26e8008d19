"""Fixtures for the vocabulary tests: the pinned vocabularies, and the published graph with sample data.

The published graph is the project's ontology and data. So that every check also meets mitigations with
sources, authors, facets and curated links whatever the seed data holds today, a small synthetic sample
(real categories and facet values, made-up records; `mitigraph.synthetic`) is added to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from mitigraph.loader import load_files, project_files
from mitigraph.namespaces import MG
from mitigraph.synthetic import generate
from mitigraph.vocab_extract import PINNED_VOCABULARIES, default_vocabularies_dir, load_pinned

SAMPLE_MITIGATIONS = 120
SAMPLE_SEED = 5


@pytest.fixture(scope="session")
def vocabularies_dir() -> Path:
    directory = default_vocabularies_dir()
    assert directory.is_dir(), (
        f"the pinned vocabularies are missing: expected {directory} (shared/ beside the clone)"
    )
    return directory


@pytest.fixture(scope="session")
def pinned(vocabularies_dir: Path) -> Graph:
    """AIRO, VAIR and DPV (core, risk, ai, tech) as pinned, in one graph."""
    graph = Graph()
    for vocabulary in PINNED_VOCABULARIES:
        graph += load_pinned(vocabulary, vocabularies_dir)
    return graph


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.ttl"
    generate(path, mitigations=SAMPLE_MITIGATIONS, seed=SAMPLE_SEED)
    return path


@pytest.fixture(scope="session")
def published(sample_file: Path) -> Graph:
    """Ontology (with alignments, mappings and the extract), the project's data, and the sample."""
    return load_files([*project_files(), sample_file]).graph


@pytest.fixture(scope="session")
def mitigations(published: Graph) -> list[URIRef]:
    found = sorted(s for s in published.subjects(RDF.type, MG.Mitigation) if isinstance(s, URIRef))
    assert len(found) >= SAMPLE_MITIGATIONS
    return found
