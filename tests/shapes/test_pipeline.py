"""Load, then validate (`mitigraph.pipeline`): what every command and the server get, or the reason why not.

The loader streams files into one Oxigraph store: its default graph is the merged graph, each subject is
traced to the files that stated it, and IRIs move to a deployment's own base.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import BlankNode, DefaultGraph, NamedNode
from rdflib import BNode, URIRef

from mitigraph.loader import GraphLoadError, load_files, load_project, reference_data_files
from mitigraph.namespaces import DEFAULT_BASE
from mitigraph.pipeline import CheckedGraph, GraphInvalid, load_and_validate
from mitigraph.progress import Stages

FIXTURES = Path(__file__).parent / "fixtures"
EX = "https://example.org/fixture/"
OTHER_BASE = "https://example.org/id/"


def test_the_project_graph_loads_and_conforms_with_each_stage_timed() -> None:
    stages = Stages()
    checked = load_and_validate(base=DEFAULT_BASE, stages=stages)
    assert isinstance(checked, CheckedGraph)
    assert checked.report is not None and checked.report.conforms
    assert [name for name, _ in stages.timings] == ["load", "validate"]
    assert checked.loaded.triples == len(checked.loaded.store) == len(checked.loaded.graph)
    assert len(checked.loaded.files) == len(load_project().files) > 100


def test_violations_raise_graph_invalid_with_the_report_and_the_graph() -> None:
    violating = FIXTURES / "mitigation-violating.ttl"
    with pytest.raises(GraphInvalid) as raised:
        load_and_validate(base=DEFAULT_BASE, files=[violating], with_reference=True)
    assert raised.value.report.violations
    assert raised.value.loaded.files[-1] == violating
    assert all(
        result.files == (violating,)
        for result in raised.value.report.violations
        if str(result.focus_node).startswith(EX)
    )


def test_without_validation_there_is_no_report() -> None:
    violating = FIXTURES / "mitigation-violating.ttl"
    stages = Stages()
    checked = load_and_validate(base=DEFAULT_BASE, files=[violating], validate=False, stages=stages)
    assert checked.report is None
    assert checked.loaded.files == (violating,)
    assert [name for name, _ in stages.timings] == ["load"]


def test_an_unreadable_file_raises_graph_load_error_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(GraphLoadError) as raised:
        load_and_validate(base=DEFAULT_BASE, files=[FIXTURES / "mitigation-conforming.ttl", broken])
    assert (raised.value.path, raised.value.line) == (broken, 2)
    assert str(raised.value).startswith(f"{broken}:2: turtle syntax error")


def test_each_subject_is_traced_to_every_file_that_states_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.nt"
    first.write_text(
        "<https://example.org/a> <https://example.org/p> _:x .\n_:x <https://example.org/p> 1 .\n"
    )
    second.write_text('<https://example.org/a> <https://example.org/q> "q" .\n')
    loaded = load_files([first, second])
    assert loaded.files_describing(URIRef("https://example.org/a")) == [first, second]
    assert loaded.files_describing(NamedNode("https://example.org/a")) == [first, second]
    (blank,) = [o for o in loaded.graph.objects(URIRef("https://example.org/a")) if isinstance(o, BNode)]
    assert loaded.files_describing(blank) == [first]
    assert loaded.files_describing(BlankNode(str(blank))) == [first]
    assert loaded.files_describing(URIRef("https://example.org/p")) == []


def test_blank_nodes_of_two_files_stay_two_nodes(tmp_path: Path) -> None:
    """As when two documents are merged: the same label in two files names two nodes."""
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text("_:b <https://example.org/p> <https://example.org/o> .\n")
    loaded = load_files([tmp_path / "one.ttl", tmp_path / "two.ttl"])
    assert loaded.triples == 2


def test_iris_under_the_default_base_move_to_another_base() -> None:
    loaded = load_files(reference_data_files(), base=OTHER_BASE)
    iris = {
        term.value
        for quad in loaded.store.quads_for_pattern(None, None, None, DefaultGraph())
        for term in (quad.subject, quad.object)
        if isinstance(term, NamedNode)
    }
    assert not any(iri.startswith(DEFAULT_BASE) for iri in iris)
    assert any(iri.startswith(OTHER_BASE) for iri in iris)
    assert dict(loaded.graph.namespaces())["mgid"] == URIRef(OTHER_BASE)


def test_the_rdflib_graph_holds_the_stores_triples_and_literals_as_rdflib_parses_them(tmp_path: Path) -> None:
    path = tmp_path / "literals.ttl"
    path.write_text(
        '<https://example.org/a> <https://example.org/p> "plain", "english"@en, 3, "2024"^^'
        "<http://www.w3.org/2001/XMLSchema#gYear> .\n"
    )
    loaded = load_files([path])
    assert loaded.graph.isomorphic(type(loaded.graph)().parse(path))
