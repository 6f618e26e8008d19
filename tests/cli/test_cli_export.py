"""`mitigraph export`: every format carries the same graph, JSON-LD is compact, files are replaced whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from mitigraph.cli import main
from mitigraph.export import EXPORT_FORMATS, RDF_EXPORT_FORMATS, export_graph
from mitigraph.jsonld import blank_list_cells
from mitigraph.loader import LoadedGraph, parse_file
from mitigraph.namespaces import MG


def export_to(tmp_path: Path, format_name: str) -> Path:
    output = tmp_path / f"export.{EXPORT_FORMATS[format_name].extension}"
    result = CliRunner().invoke(main, ["export", "--format", format_name, "--output", str(output)])
    assert result.exit_code == 0, result.output
    return output


@pytest.mark.parametrize("format_name", sorted(RDF_EXPORT_FORMATS))
def test_every_format_round_trips_to_the_same_graph(
    tmp_path: Path, format_name: str, project: LoadedGraph
) -> None:
    output = export_to(tmp_path, format_name)
    assert isomorphic(parse_file(output), project.graph)


def test_turtle_to_jsonld_to_turtle_is_isomorphic(tmp_path: Path) -> None:
    turtle = parse_file(export_to(tmp_path, "turtle"))
    jsonld_file = tmp_path / "step.jsonld"
    jsonld_file.write_bytes(export_graph(turtle, format_name="jsonld"))
    from_jsonld = parse_file(jsonld_file)
    turtle_again = tmp_path / "again.ttl"
    turtle_again.write_bytes(export_graph(from_jsonld, format_name="turtle"))
    assert isomorphic(parse_file(turtle_again), turtle)


def test_stdout_is_turtle_by_default(project: LoadedGraph) -> None:
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(data=result.stdout_bytes, format="turtle"), project.graph)


def test_jsonld_is_compact_with_our_prefixes(tmp_path: Path) -> None:
    document = json.loads(export_to(tmp_path, "jsonld").read_text(encoding="utf-8"))
    context = document["@context"]
    for prefix in ("mg", "skos", "dcterms", "prov", "mgid"):
        assert prefix in context
    keys = {key for node in document["@graph"] for key in node}
    assert "mg:inCategory" in keys
    assert "skos:notation" in keys
    assert not any(key.startswith("https://w3id.org/mitigraph/ontology#") for key in keys)
    ids = {node["@id"] for node in document["@graph"]}
    assert "mgid:category/1.1.3" in ids
    assert not any(node_id.startswith("https://w3id.org/mitigraph/id/") for node_id in ids)


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
    assert "turtle" in result.output and "jsonld" in result.output


def test_short_key_jsonld_reads_back_as_the_graph_with_blank_list_cells(
    tmp_path: Path, project: LoadedGraph
) -> None:
    output = export_to(tmp_path, "jsonld-short")
    document = json.loads(output.read_text(encoding="utf-8"))
    mitigations = [node for node in document["@graph"] if node.get("@type") == "Mitigation"]
    assert mitigations
    graph = project.graph
    for node in mitigations:
        iri = URIRef(expanded(node["@id"]))
        assert ("category" in node) == ((iri, MG.inCategory, None) in graph), node["@id"]
        assert ("citedIn" in node) == ((iri, MG.citedIn, None) in graph), node["@id"]
    assert isomorphic(parse_file(output), blank_list_cells(project.graph))


def expanded(node_id: str) -> str:
    """A compact `mgid:` id as its full IRI."""
    return node_id.replace("mgid:", "https://w3id.org/mitigraph/id/", 1)
