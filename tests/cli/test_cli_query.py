"""`mitigraph query`: SPARQL over the project graph with our prefixes, as a table, JSON or CSV.

Refused and unanswerable queries exit 2 with one line; the sandbox the query runs in is proven in
tests/server/test_sandbox.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from mitigraph.cli import main
from mitigraph.namespaces import prefixes
from mitigraph.settings import Settings

CATEGORY_QUERY = "SELECT ?category ?name WHERE { ?category skos:notation '1.1.3' ; skos:prefLabel ?name }"


def query(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_table_shows_iris_with_our_prefixes() -> None:
    code, out, _ = query(CATEGORY_QUERY)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["category", "name"]
    assert lines[2].split(maxsplit=1) == ["mgid:category/1.1.3", "Capability Modification"]
    assert lines[-1] == "(1 row)"


def test_json_is_the_sparql_results_format() -> None:
    code, out, _ = query("--format", "json", CATEGORY_QUERY)
    assert code == 0
    document = json.loads(out)
    assert document["head"]["vars"] == ["category", "name"]
    (binding,) = document["results"]["bindings"]
    assert binding["category"] == {"type": "uri", "value": "https://w3id.org/mitigraph/id/category/1.1.3"}


def test_csv_has_a_header_and_full_iris() -> None:
    code, out, _ = query("--format", "csv", CATEGORY_QUERY)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [
        ["category", "name"],
        ["https://w3id.org/mitigraph/id/category/1.1.3", "Capability Modification"],
    ]


def test_a_query_can_come_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mitigations.rq"
    path.write_text("SELECT (COUNT(?m) AS ?n) WHERE { ?m a mg:Mitigation }\n", encoding="utf-8")
    code, out, _ = query("--format", "csv", str(path))
    assert code == 0
    count = int(out.splitlines()[1])
    assert count >= 21


def test_an_example_query_file_runs_its_query() -> None:
    example = Path(__file__).resolve().parents[2] / "queries" / "05-items-of-a-source-with-authors.ttl"
    code, out, _ = query("--format", "csv", str(example))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["title"] for row in rows} >= {"Expert Survey: AI Reliability & Security Research Priorities"}


def test_an_example_file_without_a_query_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    code, _, err = query(str(path))
    assert code == 2
    assert "expected exactly one sh:SPARQLExecutable" in err and str(path) in err


def test_ask_answers_true_or_false() -> None:
    assert query("ASK { ?m mg:addressesLimitation ?l }")[1] == "true\n"
    assert (
        query("ASK { ?m mg:inCategory <https://w3id.org/mitigraph/id/category/no-such-code> }")[1]
        == "false\n"
    )


def test_construct_answers_with_turtle() -> None:
    code, out, _ = query(
        "CONSTRUCT { ?c skos:prefLabel ?n } WHERE { ?c skos:notation '1.1' ; skos:prefLabel ?n }"
    )
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    assert len(graph) == 1


def test_a_malformed_query_exits_2_with_oxigraphs_position() -> None:
    code, out, err = query("SELECT ?m WHERE { ?m a mg:Mitigation")
    assert code == 2
    assert out == ""
    assert "malformed SPARQL query: error at 1:" in err


def test_a_graph_has_no_csv_form() -> None:
    code, _, err = query("--format", "csv", "CONSTRUCT WHERE { ?s a mg:Limitation }")
    assert code == 2
    assert "use --format table" in err


def one_line_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("query_text", "expected"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * WHERE { SERVICE <http://no-such-host.invalid/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT*WHERE{SERVICESILENT<http://127.0.0.1:9/>{?s ?p ?o}}", "SERVICE is not allowed"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM is not allowed"),
        ("LOAD <file:///etc/passwd>", "LOAD is not allowed"),
        ("INSERT DATA { <urn:x:a> <urn:x:b> 'c' }", "read-only: updates are not run"),
        ("SELECT * WHERE { FILTER(" + "(" * 500 + "1" + ")" * 500 + ") }", "(--max-query-depth)"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(<urn:x:f>(?o)) }", "<urn:x:f> is not supported"),
    ],
    ids=["service", "unresolvable host", "glued", "from", "load", "update", "deep", "unknown function"],
)
def test_refused_and_unanswerable_queries_exit_2_with_one_line(query_text: str, expected: str) -> None:
    code, out, err = query(query_text)
    assert code == 2
    assert out == ""
    assert expected in one_line_error(err)


def test_a_malformed_query_is_one_line() -> None:
    code, _, err = query("SELECT ?m WHERE { ?m a mg:Mitigation")
    assert code == 2
    assert one_line_error(err).startswith("error: malformed SPARQL query: error at 1:")


def test_a_table_writes_a_namespace_and_a_foreign_iri_whole() -> None:
    """A CURIE needs a local name, and only our namespaces have prefixes."""
    code, out, _ = query("SELECT ?iri WHERE { VALUES ?iri { mg: <https://example.org/x> dpv:Risk } }")
    assert code == 0
    assert out.splitlines()[2:5] == [
        "<https://w3id.org/mitigraph/ontology#>",
        "<https://example.org/x>",
        "dpv:Risk",
    ]


def error_lines(err: str, *, most: int) -> list[str]:
    """What a user reads when a query cannot run: at most `most` lines, the first starting `error:`."""
    lines = err.splitlines()
    assert 1 <= len(lines) <= most, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines


@pytest.mark.parametrize(
    "name", ["missing.rq", "queries/missing.sparql", "queries/99-missing.ttl", "no/such/dir/query", "nothing"]
)
def test_a_missing_query_file_is_no_such_file(name: str, tmp_path: Path) -> None:
    code, out, err = query(str(tmp_path / name) if "/" in name else name)
    assert code == 2
    assert out == ""
    (line,) = error_lines(err, most=1)
    assert line == f"error: no such file: {tmp_path / name if '/' in name else name}"


def test_a_directory_is_not_a_query(tmp_path: Path) -> None:
    code, _, err = query(str(tmp_path))
    assert code == 2
    assert error_lines(err, most=1) == [f"error: {tmp_path} is a directory: give a query file or a query"]


def test_a_query_naming_a_path_in_an_iri_is_still_a_query() -> None:
    code, out, _ = query("ASK { ?s ?p <https://w3id.org/mitigraph/id/category/1.1.3> }")
    assert code == 0
    assert out == "true\n"


READ_ONLY = "error: read-only: updates are not run"
EMPTY = "error: the query is empty"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT DATA { <urn:x:a> <urn:x:b> 'c' }", READ_ONLY),
        ("DELETE WHERE { ?s ?p ?o }", READ_ONLY),
        ("WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", READ_ONLY),
        ("CLEAR ALL", READ_ONLY),
        ("PREFIX ex: <urn:x:>\nDROP GRAPH ex:g", READ_ONLY),
        ("", EMPTY),
        ("   ", EMPTY),
        ("# only a comment\n", EMPTY),
        ("\n\t\n", EMPTY),
    ],
)
def test_an_update_or_an_empty_query_is_not_run(text: str, message: str) -> None:
    code, out, err = query(text)
    assert code == 2
    assert out == ""
    (line,) = error_lines(err, most=1)
    assert line.startswith(message)


def test_an_unknown_prefix_is_named_with_the_known_ones() -> None:
    code, out, err = query("SELECT ?s WHERE { ?s a foo:Mitigation }")
    assert code == 2
    assert out == ""
    first, second = error_lines(err, most=2)
    assert first.startswith("error: unknown prefix foo:, not declared in the query: add PREFIX foo: <")
    assert second.split(maxsplit=2)[:2] == ["known", "prefixes:"]
    assert second.split()[2:] == [f"{name}:" for name in prefixes(Settings().base)]
    assert "\\u{" not in err and "..=" not in err


def test_only_the_undeclared_prefix_is_named() -> None:
    """A prefix the query declares, and colons in strings, IRIs and comments, are not taken for it."""
    code, _, err = query(
        "PREFIX ex: <urn:x:>\nSELECT ?s WHERE { ?s ex:p 'skip:me' ; <urn:y:q> ?o . # not:this\n?o bar:q ?x }"
    )
    assert code == 2
    assert error_lines(err, most=2)[0].startswith("error: unknown prefix bar:, ")


def test_the_empty_prefix_is_named_as_such() -> None:
    code, _, err = query("SELECT ?s WHERE { ?s :p ?o }")
    assert code == 2
    assert error_lines(err, most=2)[0].startswith("error: unknown prefix : (the empty prefix), ")


def test_a_syntax_error_shows_where_without_character_classes() -> None:
    code, _, err = query("SELECT ?m WHERE { ?m a mg:Mitigation")
    assert code == 2
    (line,) = error_lines(err, most=1)
    assert line.startswith("error: malformed SPARQL query: error at 1:37, where the query ends: expected ")
    assert '"}"' in line and "[" not in line
