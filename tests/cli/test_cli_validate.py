"""`mitigraph validate`: the report a user reads, and the exit codes scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

from mitigraph.cli import main
from mitigraph.loader import load_project

FIXTURES = Path(__file__).resolve().parents[1] / "shapes" / "fixtures"
VIOLATING = FIXTURES / "mitigation-violating.ttl"
CONFORMING = FIXTURES / "mitigation-conforming.ttl"
MITIGRAPH = Path(sys.executable).with_name("mitigraph")
SUBPROCESS_TIMEOUT = 120


@pytest.fixture
def broken_turtle(tmp_path: Path) -> Path:
    """A Turtle file whose syntax error is on line 4."""
    path = tmp_path / "broken.ttl"
    path.write_text(
        "@prefix mg: <https://w3id.org/mitigraph/ontology#> .\n"
        "<https://example.org/a> a mg:Mitigation ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n'
        "<https://example.org/b> a mg:Mitigation ;;; oops\n",
        encoding="utf-8",
    )
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MITIGRAPH), *args], capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False
    )


def test_the_project_graph_conforms() -> None:
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "Conforms:" in result.output


def test_warnings_are_shown_but_do_not_fail() -> None:
    result = CliRunner().invoke(main, ["validate", str(CONFORMING)])
    assert result.exit_code == 0, result.output
    assert "Warning: <https://example.org/fixture/derived-label>" in result.output


def test_a_violating_file_exits_1_naming_node_path_message_and_file() -> None:
    result = CliRunner().invoke(main, ["validate", str(VIOLATING)])
    assert result.exit_code == 1, result.output
    block = result.output.split("Violation: <https://example.org/fixture/two-categories>", 1)[1].split(
        "\n\n"
    )[0]
    assert "path:    mg:inCategory" in block
    assert "more than one category" in block
    assert "mitigation-violating.ttl" in block
    counted = json.loads(CliRunner().invoke(main, ["validate", "--format", "json", str(VIOLATING)]).stdout)
    assert counted["violations"] == result.output.count("Violation: ") > 1
    assert f"Does not conform: {counted['violations']} violations" in result.output


def test_json_report_lists_each_result() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(VIOLATING)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    nodes = {entry["focusNode"] for entry in report["results"] if entry["severity"] == "Violation"}
    assert "https://example.org/fixture/no-provenance" in nodes
    assert all(
        entry["files"] for entry in report["results"] if entry["focusNode"].startswith("https://example.org/")
    )


def test_a_turtle_syntax_error_exits_2_naming_file_and_line(broken_turtle: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(broken_turtle)])
    assert result.exit_code == 2
    assert f"{broken_turtle}:4" in result.stderr


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nowhere.ttl")])
    assert result.exit_code == 2
    assert "nowhere.ttl" in result.output


def test_exit_codes_seen_by_a_shell(broken_turtle: Path) -> None:
    """The installed console script, as a script or CI job runs it."""
    conforms = run_cli("validate")
    assert conforms.returncode == 0, conforms.stdout + conforms.stderr
    violates = run_cli("validate", str(VIOLATING))
    assert violates.returncode == 1
    assert "Violation: <https://example.org/fixture/no-category>" in violates.stdout
    unreadable = run_cli("validate", str(broken_turtle))
    assert unreadable.returncode == 2
    assert f"{broken_turtle}:4" in unreadable.stderr


def test_many_warnings_are_counted_by_kind_and_all_are_listed_on_request() -> None:
    """The project's graph has hundreds of warnings: the report counts them by kind, one example each."""
    grouped = CliRunner().invoke(main, ["validate"])
    assert grouped.exit_code == 0, grouped.output
    verdict = grouped.output.strip().splitlines()[-1]
    total = int(verdict.rsplit(";", 1)[1].split()[0])
    counts = [
        int(line.split(" x ", 1)[0].removeprefix("Warning: "))
        for line in grouped.output.splitlines()
        if line.startswith("Warning: ") and " x " in line
    ]
    assert total > 20 and sum(counts) == total
    assert f"({total} warnings of {len(counts)} kinds; --all-warnings lists every one)" in grouped.output
    listed = CliRunner().invoke(main, ["validate", "--all-warnings"])
    assert listed.exit_code == 0
    assert listed.output.count("\nWarning: ") + listed.output.startswith("Warning: ") == total


def result_keys(output: str) -> set[tuple[str, str | None, str, str]]:
    report = json.loads(output)
    return {(r["severity"], r["path"], r["focusNode"], r["message"]) for r in report["results"]}


@pytest.mark.parametrize(
    ("extension", "rdf_format"),
    [
        ("nt", RdfFormat.N_TRIPLES),
        ("nq", RdfFormat.N_QUADS),
        ("trig", RdfFormat.TRIG),
        ("rdf", RdfFormat.RDF_XML),
        ("owl", RdfFormat.RDF_XML),
        ("jsonld", RdfFormat.JSON_LD),
    ],
)
def test_every_rdf_format_gets_the_report_turtle_gets(
    extension: str, rdf_format: RdfFormat, tmp_path: Path
) -> None:
    """A file is read by its extension; the named graphs of a quad format join the one graph."""
    quads = [
        Quad(quad.subject, quad.predicate, quad.object, NamedNode("https://example.org/fixture/graph"))
        for quad in parse(path=VIOLATING)
    ]
    copy = tmp_path / f"{VIOLATING.stem}.{extension}"
    copy.write_bytes(
        serialize(quads, format=rdf_format)
        if rdf_format.supports_datasets
        else serialize([quad.triple for quad in quads], format=rdf_format)
    )
    expected = CliRunner().invoke(main, ["validate", "--format", "json", str(VIOLATING)])
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(copy)])
    assert (result.exit_code, expected.exit_code) == (1, 1), result.output
    assert result_keys(result.stdout) == result_keys(expected.stdout)
    assert all(
        entry["files"] == [str(copy)]
        for entry in json.loads(result.stdout)["results"]
        if entry["focusNode"].startswith("https://example.org/")
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "broken.nt",
            '<https://example.org/a> <https://example.org/b> "c" .\n<https://example.org/a> .\n',
            ":2: n-triples syntax error",
        ),
        ("broken.nq", '<https://example.org/a> <https://example.org/b> "c .\n', ":1: n-quads syntax error"),
        (
            "broken.jsonld",
            '{\n  "@id": "https://example.org/a",\n  "https://example.org/b": [}\n',
            ":3: json-ld syntax error",
        ),
        ("broken.rdf", "<?xml version='1.0'?>\n<rdf:RDF>\n", ": rdf/xml syntax error"),
        (
            "ends-early.ttl",
            "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e\n\n\n",
            ":3: turtle syntax error",
        ),
    ],
)
def test_a_syntax_error_in_any_format_exits_2_naming_file_and_line(
    name: str, text: str, expected: str, tmp_path: Path
) -> None:
    """The line is where the mistake is: an error at the end of the file is on its last written line."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path}{expected}"), line


def test_a_blank_node_is_reported_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "anonymous.ttl"
    path.write_text(
        "@prefix mg: <https://w3id.org/mitigraph/ontology#> .\n[] a mg:Mitigation .\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1
    blank = [
        entry for entry in json.loads(result.stdout)["results"] if entry["focusNodeCurie"].startswith("_:")
    ]
    assert blank and all(entry["files"] == [str(path)] for entry in blank)


def test_the_verdict_counts_the_files_and_triples_read() -> None:
    """`Conforms: <files> files, <triples> triples; <n> warnings.`, as the README shows it."""
    project = load_project()
    result = CliRunner().invoke(main, ["validate"])
    verdict = result.output.strip().splitlines()[-1]
    assert verdict.startswith(f"Conforms: {len(project.files)} files, {project.triples} triples; ")
    assert project.triples == len(project.graph) > 6000
