"""At 2,000 synthetic mitigations (with the project's ontology and data): the streamed JSON-LD document
states the graph, and every node object in it is the one pyld's compaction gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import DefaultGraph, NamedNode
from tests.support.same_graph import canonical_ntriples, file_triples, with_blank_list_cells
from tests.vocabularies.jsonld_reference import (
    compact_document,
    normalised,
    pyld_record_compaction,
)

from mitigraph.jsonld import context_terms
from mitigraph.loader import LoadedGraph, load_files, project_files
from mitigraph.namespaces import sparql_prologue
from mitigraph.synthetic import generate

MITIGATIONS = 2_000
SEED = 11


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedGraph:
    sample = tmp_path_factory.mktemp("jsonld-2000") / "g2000.nt"
    generate(sample, mitigations=MITIGATIONS, seed=SEED)
    return load_files([*project_files(), sample])


@pytest.fixture(scope="module")
def document(loaded: LoadedGraph) -> dict[str, Any]:
    return compact_document(loaded.store)


def test_the_document_reads_back_as_the_graph(
    loaded: LoadedGraph, document: dict[str, Any], tmp_path: Path
) -> None:
    """Read by Oxigraph's JSON-LD parser (through the loader), independent of the writer and of pyld."""
    path = tmp_path / "g2000.jsonld"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    read_back = file_triples(path)
    assert len(read_back) == loaded.triples
    expected = with_blank_list_cells(loaded.store.quads_for_pattern(None, None, None, DefaultGraph()))
    assert canonical_ntriples(read_back) == canonical_ntriples(expected)


def test_every_record_is_compacted_as_pyld_compacts_it(loaded: LoadedGraph, document: dict[str, Any]) -> None:
    records = [node for node in document["@graph"] if not node["@id"].startswith("_:")]
    assert len(records) > MITIGATIONS
    for node in records:
        reference = pyld_record_compaction(loaded.store, NamedNode(_expanded(node["@id"])))
        assert normalised(node) == normalised(reference), node["@id"]


def _expanded(node_id: str) -> str:
    """A node's IRI: our ids are whole IRIs, except ontology terms written as CURIEs (`mg:Mitigation`)."""
    prefix, _, local = node_id.partition(":")
    namespaces = {name: value for name, value in context_terms().items() if isinstance(value, str)}
    return namespaces[prefix] + local if prefix in namespaces and not local.startswith("//") else node_id


@pytest.mark.parametrize(
    "pattern",
    [
        "?cell rdf:first ?author FILTER(isIRI(?cell))",
        "?s ?p ?o FILTER(datatype(?o) = xsd:boolean)",
        "?s ?p ?o FILTER(datatype(?o) = xsd:gYear)",
        "?s ?p ?o FILTER(lang(?o) = 'en')",
        "?s ?p ?o FILTER(isBlank(?s))",
        "?s owl:unionOf ?list",
    ],
)
def test_the_sample_has_what_compaction_must_handle(loaded: LoadedGraph, pattern: str) -> None:
    """IRI-named author-list cells, booleans, years, English labels, blank nodes and their lists."""
    assert loaded.store.query(sparql_prologue() + f"ASK {{ {pattern} }}")
