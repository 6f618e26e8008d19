"""`mitigraph generate`: the synthetic graph the benchmarks and scale tests run on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from tests.support.commands import run_mitigraph

from mitigraph.loader import load_files, load_shapes, load_with_reference
from mitigraph.namespaces import BIBO, MG
from mitigraph.validation import validate_graph

SMALL = 150


def generate(path: Path, *, mitigations: int = SMALL, seed: int = 1) -> subprocess.CompletedProcess[str]:
    return run_mitigraph(
        "generate", "--mitigations", str(mitigations), "--output", str(path), "--seed", str(seed)
    )


@pytest.fixture(scope="module")
def small_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generate") / "small.nt"
    result = generate(path)
    assert result.returncode == 0, result.stderr
    return path


def test_it_says_what_it_wrote(small_graph: Path):
    graph = load_files([small_graph]).graph
    mitigations = set(graph.subjects(RDF.type, MG.Mitigation))
    assert len(mitigations) == SMALL
    assert 8 <= len(graph) / SMALL <= 14, "about ten triples a mitigation"


def test_the_same_seed_writes_the_same_bytes(small_graph: Path, tmp_path: Path):
    again = tmp_path / "again.nt"
    assert generate(again).returncode == 0
    assert again.read_bytes() == small_graph.read_bytes()


def test_another_seed_writes_another_graph(small_graph: Path, tmp_path: Path):
    other = tmp_path / "other.nt"
    assert generate(other, seed=2).returncode == 0
    assert not isomorphic(load_files([other]).graph, load_files([small_graph]).graph)


def test_turtle_and_n_triples_hold_the_same_graph(small_graph: Path, tmp_path: Path):
    turtle = tmp_path / "small.ttl"
    assert generate(turtle).returncode == 0
    assert isomorphic(load_files([turtle]).graph, load_files([small_graph]).graph)


def test_it_conforms_to_the_shapes(small_graph: Path):
    loaded = load_with_reference([small_graph])
    report = validate_graph(loaded.graph, shapes=load_shapes(), origins=loaded)
    assert report.conforms, [f"{r.focus_node}: {r.message}" for r in report.violations[:5]]


def test_it_has_every_part_of_our_shape(small_graph: Path):
    graph: Graph = load_files([small_graph]).graph
    for predicate in (
        MG.inCategory,
        MG.citedIn,
        MG.lifecycleStage,
        MG.actor,
        MG.riskManagementFunction,
        MG.hasLimitation,
        MG.addressesLimitation,
        MG.partOf,
        BIBO.authorList,
    ):
        assert next(graph.triples((None, predicate, None)), None) is not None, f"no {predicate}"


def test_authors_keep_their_order_in_an_rdf_list(small_graph: Path):
    graph = load_files([small_graph]).graph
    source, first_cell = next(graph.subject_objects(BIBO.authorList))
    authors = list(graph.items(first_cell))
    assert authors
    assert set(authors) <= set(graph.objects(source, None))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--mitigations", "10", "--output", "graph.json"], "use one of .nt, .ttl"),
        (["--mitigations", "0", "--output", "graph.nt"], "0 is not in the range"),
        (["--mitigations", "10", "--output", "missing-dir/graph.nt"], "does not exist"),
    ],
    ids=["unknown-extension", "no-mitigations", "missing-directory"],
)
def test_bad_requests_are_refused_with_exit_code_2_and_nothing_written(
    tmp_path: Path, arguments: list[str], message: str
):
    arguments = [str(tmp_path / a) if a.endswith((".json", ".nt")) else a for a in arguments]
    result = run_mitigraph("generate", *arguments)
    assert result.returncode == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []
