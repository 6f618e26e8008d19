"""The fast engine (pyshacl-turbo) reports exactly what the reference (pySHACL) reports.

Every fixture and the project's graph are validated by both engines through `validate_graph`; the reports
must agree on conformance and on the set of (focus node, path, severity, source shape, message). The
pipeline hands the fast engine the loader's Oxigraph store, not an rdflib graph: that path must agree too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.term import Node

from mitigraph.loader import LoadedGraph, load_with_reference
from mitigraph.validation import (
    FAST_ENGINE,
    REFERENCE_ENGINE,
    ShapesError,
    ValidationReport,
    installed_engine,
    validate_graph,
)

FIXTURES = Path(__file__).parent / "fixtures"

ResultKey = tuple[Node, str | None, str, Node | None, str]


def result_keys(report: ValidationReport) -> set[ResultKey]:
    return {(r.focus_node, r.path, r.severity, r.shape, r.message) for r in report.results}


def assert_same_reports(graph: Graph, *, shapes: Graph) -> None:
    reference = validate_graph(graph, shapes=shapes, engine=REFERENCE_ENGINE)
    fast = validate_graph(graph, shapes=shapes, engine=FAST_ENGINE)
    assert fast.conforms == reference.conforms
    assert result_keys(fast) == result_keys(reference)


def test_the_fast_engine_is_the_default() -> None:
    assert installed_engine() == FAST_ENGINE


@pytest.mark.parametrize("fixture", sorted(path.name for path in FIXTURES.glob("*.ttl")))
def test_both_engines_report_the_same_on_each_fixture(fixture: str, shapes: Graph) -> None:
    loaded = load_with_reference([FIXTURES / fixture])
    assert_same_reports(loaded.graph, shapes=shapes)


def test_both_engines_report_the_same_on_the_project_graph(project: LoadedGraph, shapes: Graph) -> None:
    assert_same_reports(project.graph, shapes=shapes)


@pytest.mark.parametrize("fixture", sorted(path.name for path in FIXTURES.glob("*.ttl")))
def test_the_store_gets_the_reference_report_with_its_files(fixture: str, shapes: Graph) -> None:
    """The store, as the pipeline validates it, against pySHACL on the same triples in rdflib."""
    loaded = load_with_reference([FIXTURES / fixture])
    reference = validate_graph(loaded.graph, shapes=shapes, origins=loaded, engine=REFERENCE_ENGINE)
    fast = validate_graph(loaded.store, shapes=shapes, origins=loaded, engine=FAST_ENGINE)
    assert fast.conforms == reference.conforms
    assert result_keys(fast) == result_keys(reference)
    assert {(r.focus_node, r.files) for r in fast.results} == {
        (r.focus_node, r.files) for r in reference.results
    }


def test_the_reference_engine_reads_a_store_too(project: LoadedGraph, shapes: Graph) -> None:
    from_store = validate_graph(project.store, shapes=shapes, engine=REFERENCE_ENGINE)
    assert result_keys(from_store) == result_keys(validate_graph(project.graph, shapes=shapes))


def test_an_unknown_engine_is_refused_by_name(project: LoadedGraph, shapes: Graph) -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine 'jena'"):
        validate_graph(project.graph, shapes=shapes, engine="jena")


def test_a_constraint_the_fast_engine_cannot_run_raises_shapes_error(project: LoadedGraph) -> None:
    """pyshacl-turbo answers a malformed constraint with a failure value, not an exception."""
    broken = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <https://example.org/shape> a sh:NodeShape ;
            sh:targetNode <https://example.org/node> ;
            sh:sparql [ a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE { this is not SPARQL }" ] .
        """,
        format="turtle",
    )
    with pytest.raises(ShapesError, match=FAST_ENGINE):
        validate_graph(project.graph, shapes=broken, engine=FAST_ENGINE)
