"""`mitigraph validate`: the report a user reads, and the exit codes scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mitigraph.cli import main

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
