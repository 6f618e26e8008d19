"""The ontology documentation pyLODE generates, with the alignments and the mappings section."""

from __future__ import annotations

import html

import pytest
from rdflib import Graph

from mitigraph.alignments import mappings
from mitigraph.loader import load_files, ontology_files, reference_data_files
from mitigraph.ontology_docs import MAPPINGS_SECTION_ID, ontology_documentation


@pytest.fixture(scope="module")
def page() -> str:
    return ontology_documentation()


def test_it_documents_our_classes_and_properties(page: str) -> None:
    assert "<title>Mitigraph ontology</title>" in page
    for label in ("Mitigation", "Category", "in category", "cited in"):
        assert f">{label}<" in page, label


def test_a_mitigations_superclasses_show_with_their_labels(page: str) -> None:
    assert '<a href="https://w3id.org/airo#RiskControl">Risk Control</a>' in page
    assert '<a href="https://w3id.org/dpv#RiskMitigationMeasure">Risk Mitigation Measure</a>' in page


def test_every_mapping_is_listed_with_its_rationale(page: str) -> None:
    graph: Graph = load_files(ontology_files() + reference_data_files()).graph
    assert f'id="{MAPPINGS_SECTION_ID}"' in page
    text = html.unescape(page)
    missing = [m for m in mappings(graph) if m.rationale not in text or str(m.object) not in text]
    assert missing == []


def test_the_page_needs_nothing_from_the_network(page: str) -> None:
    assert "<script src=" not in page and '<link rel="stylesheet" href="http' not in page
