"""`mitigraph export`: every format carries the same graph, JSON-LD is compact with the published context,
files are replaced whole, other graphs can be exported with `--graph`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from mitigraph.cli import main
from mitigraph.formats import Format, format_named, formats_for
from mitigraph.jsonld import blank_list_cells, context_terms
from mitigraph.loader import LoadedGraph, load_files, parse_file
from mitigraph.mitigation_table import COLUMNS
from mitigraph.namespaces import MG
from mitigraph.synthetic import generate

EXPORTED = formats_for("export")
GRAPHS = [fmt for fmt in EXPORTED if fmt.kind == "graph"]


def export_to(tmp_path: Path, fmt: Format, *extra: str) -> Path:
    output = tmp_path / fmt.file_name
    result = CliRunner().invoke(main, ["export", "--format", fmt.name, "--output", str(output), *extra])
    assert result.exit_code == 0, result.output
    return output


def test_export_offers_every_format_of_the_registry_it_can_write() -> None:
    assert [fmt.name for fmt in EXPORTED] == [
        "turtle",
        "jsonld",
        "ntriples",
        "rdfxml",
        "trig",
        "csv",
        "sssom",
    ]


@pytest.mark.parametrize("fmt", GRAPHS, ids=lambda fmt: fmt.name)
def test_every_graph_format_reads_back_as_the_graph(
    tmp_path: Path, fmt: Format, project: LoadedGraph
) -> None:
    """Exactly the graph, except that JSON-LD writes the IRI-named author-list cells as blank nodes."""
    read_back = parse_file(export_to(tmp_path, fmt))
    expected = project.graph if fmt.whole_graph else blank_list_cells(project.graph)
    assert isomorphic(read_back, expected)


def test_an_alias_names_a_format(tmp_path: Path, project: LoadedGraph) -> None:
    output = tmp_path / "graph.nt"
    result = CliRunner().invoke(main, ["export", "--format", "nt", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert isomorphic(Graph().parse(output, format="nt"), project.graph)


def test_stdout_is_turtle_by_default(project: LoadedGraph) -> None:
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(data=result.stdout_bytes, format="turtle"), project.graph)


def test_turtle_uses_our_prefixes_and_writes_instances_whole(tmp_path: Path) -> None:
    text = export_to(tmp_path, format_named("turtle")).read_text(encoding="utf-8")
    assert "@prefix mg: <https://w3id.org/mitigraph/ontology#> ." in text
    assert "mgid:" not in text
    assert "<https://w3id.org/mitigraph/id/category/1.1.3>" in text


def test_jsonld_is_compact_with_the_published_context(tmp_path: Path, project: LoadedGraph) -> None:
    document = json.loads(export_to(tmp_path, format_named("jsonld")).read_text(encoding="utf-8"))
    assert document["@context"] == context_terms()
    nodes = {node["@id"]: node for node in document["@graph"]}
    category = nodes["https://w3id.org/mitigraph/id/category/1.1.3"]
    assert category["notation"] == "1.1.3"
    assert set(category["@type"]) >= {"Category", "Concept"}
    keys = {key for node in nodes.values() for key in node}
    assert {"label", "category", "citedIn", "authors"} <= keys
    assert not any(key.startswith(("https://w3id.org/mitigraph/ontology#", "mg:inCategory")) for key in keys)
    mitigations = [node for node in nodes.values() if node.get("@type") == "Mitigation"]
    assert mitigations
    graph = project.graph
    for node in mitigations:
        iri = URIRef(node["@id"])
        assert ("category" in node) == ((iri, MG.inCategory, None) in graph), node["@id"]
        assert ("citedIn" in node) == ((iri, MG.citedIn, None) in graph), node["@id"]


def test_the_csv_table_has_one_row_per_mitigation(tmp_path: Path, project: LoadedGraph) -> None:
    content = export_to(tmp_path, format_named("csv")).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    mitigations = set(project.graph.subjects(RDF.type, MG.Mitigation))
    assert {URIRef(row[0]) for row in rows[1:]} == mitigations
    assert len(rows) - 1 == len(mitigations)


def test_graph_files_are_exported_instead_of_the_project(tmp_path: Path) -> None:
    sample = tmp_path / "sample.nt"
    generate(sample, mitigations=30, seed=3)
    output = export_to(tmp_path, format_named("turtle"), f"--graph={sample}")
    assert isomorphic(parse_file(output), load_files([sample]).graph)


def test_output_replaces_a_file_whole_and_leaves_no_temporary_files(
    tmp_path: Path, project: LoadedGraph
) -> None:
    output = tmp_path / "graph.ttl"
    output.write_text("old content", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--output", str(output)])
    assert result.exit_code == 0
    assert isomorphic(parse_file(output), project.graph)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.ttl"]


def test_an_unknown_format_is_a_usage_error_naming_the_formats() -> None:
    result = CliRunner().invoke(main, ["export", "--format", "yaml"])
    assert result.exit_code == 2
    for fmt in EXPORTED:
        assert fmt.name in result.output


def test_an_unreadable_graph_file_exits_2_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    output = tmp_path / "out.ttl"
    result = CliRunner().invoke(main, ["export", f"--graph={broken}", "--output", str(output)])
    assert result.exit_code == 2
    assert "broken.ttl" in result.output
    assert not output.exists()
