"""`mitigraph build` at 2,000 mitigations writes what the build before the format registry wrote: the same
graph in every RDF format, the same CSV and SSSOM bytes, the same counts (tests/fixtures/build-2000)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Quad, RdfFormat, parse
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID
from tests.support.same_graph import canonical_ntriples, file_triples, with_blank_list_cells

from mitigraph.cli import main
from mitigraph.formats import Format, formats_for
from mitigraph.iris import Minter

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "build-2000"
GRAPH_FORMATS = formats_for("export", kind="graph")


def reference_ntriples() -> bytes:
    return gzip.decompress((REFERENCE / "mitigraph.nt.gz").read_bytes())


def reference_triples() -> list[Quad]:
    return list(parse(reference_ntriples(), format=RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def reference_lines() -> list[str]:
    return reference_ntriples().decode("utf-8").splitlines()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("build-2000")
    graph = work / "g2000.nt"
    graph.write_bytes(reference_ntriples())
    out = work / "out"
    result = CliRunner().invoke(main, ["build", "--out", str(out), f"--graph={graph}"])
    assert result.exit_code == 0, result.output
    assert "Built the graph: 23340 triples; 2000 mitigations, 40 categories, 108 sources" in result.output
    return out


def test_the_reference_is_canonical(reference_lines: list[str]) -> None:
    assert len(reference_lines) == 23340
    assert canonical_ntriples(reference_triples()) == reference_lines


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda fmt: fmt.name)
def test_each_rdf_file_holds_the_reference_graph(
    built: Path, reference_lines: list[str], fmt: Format
) -> None:
    """JSON-LD writes the author lists' IRI-named cells as blank nodes, as the short-key JSON-LD did."""
    written = canonical_ntriples(file_triples(built / fmt.file_name))
    if fmt.whole_graph:
        assert written == reference_lines
    else:
        assert written == canonical_ntriples(with_blank_list_cells(reference_triples()))


def test_the_csv_and_sssom_files_are_unchanged(built: Path) -> None:
    assert (built / "mitigraph.csv").read_bytes() == gzip.decompress(
        (REFERENCE / "mitigraph.csv.gz").read_bytes()
    )
    assert (built / "mitigraph.sssom.tsv").read_bytes() == (REFERENCE / "mitigraph.sssom.tsv").read_bytes()


def test_the_description_says_what_it_said_but_for_the_files(built: Path) -> None:
    """The same counts and hand-written statements; the distributions are this build's files, and the URI
    space is stated even when the graph has no hand-written description (this one has none)."""
    dataset = Minter().dataset()
    before, after = Graph().parse(REFERENCE / "void.ttl"), Graph().parse(built / "void.ttl")
    assert _own(after, dataset) - _own(before, dataset) == {(VOID.uriSpace, Literal(Minter().base))}
    assert _own(before, dataset) <= _own(after, dataset)
    assert _partitions(before, dataset) == _partitions(after, dataset)
    distributions = after.objects(dataset, DCAT.distribution)
    files = {str(after.value(node, DCTERMS.identifier)) for node in distributions}
    assert files == {fmt.file_name for fmt in formats_for("export")}


def _own(description: Graph, dataset: URIRef) -> set[tuple[object, object]]:
    """The dataset's statements whose object is not a blank node (partitions and distributions are)."""
    return {(p, o) for p, o in description.predicate_objects(dataset) if not isinstance(o, BNode)}


def _partitions(description: Graph, dataset: URIRef) -> dict[object, object]:
    return {
        description.value(partition, VOID["class"]): description.value(partition, VOID.entities)
        for partition in description.objects(dataset, VOID.classPartition)
    }
