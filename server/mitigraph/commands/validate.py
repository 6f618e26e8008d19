"""`mitigraph validate`: check the project's graph, or the given files, against the shapes."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import click

from mitigraph.loader import GraphLoadError, LoadedGraph, load_project, load_shapes, load_with_reference
from mitigraph.settings import Settings
from mitigraph.validation import ValidationReport, ValidationResult, curie, validate_graph

EXIT_CONFORMS = 0
EXIT_VIOLATIONS = 1
EXIT_UNREADABLE = 2
WARNINGS_LISTED = 20
"""Up to this many warnings are listed one by one; more are counted by kind, with one example each."""


@click.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
@click.option(
    "--all-warnings",
    is_flag=True,
    help=f"List every warning; by default more than {WARNINGS_LISTED} are counted by kind.",
)
def command(files: tuple[Path, ...], report_format: str, all_warnings: bool) -> None:
    """Validate the graph with Mitigraph's SHACL shapes.

    Without FILES, the project's ontology and data; with FILES, those files together with the ontology,
    the taxonomy and the facet values they refer to. Exit status: 0 conforms (warnings allowed),
    1 violations, 2 unreadable input.
    """
    settings = Settings()
    try:
        loaded = load_with_reference(files, base=settings.base) if files else load_project(base=settings.base)
        shapes = load_shapes()
    except GraphLoadError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error
    report = validate_graph(loaded.graph, shapes=shapes, origins=loaded, base=settings.base)
    if report_format == "json":
        click.echo(json.dumps(report_as_json(report, base=settings.base), indent=2))
    else:
        click.echo(report_as_text(report, loaded=loaded, base=settings.base, all_warnings=all_warnings))
    raise SystemExit(EXIT_CONFORMS if report.conforms else EXIT_VIOLATIONS)


def report_as_text(
    report: ValidationReport, *, loaded: LoadedGraph, base: str, all_warnings: bool = False
) -> str:
    """One block per violation, then the warnings (one block each, or counted by kind when there are
    many), then a one-line verdict."""
    blocks = [_result_as_text(result, base=base) for result in report.violations]
    if all_warnings or len(report.warnings) <= WARNINGS_LISTED:
        blocks += [_result_as_text(result, base=base) for result in report.warnings]
    else:
        blocks += _warnings_by_kind(report.warnings, base=base)
    verdict = (
        f"Conforms: {len(loaded.files)} files, {len(loaded.graph)} triples"
        if report.conforms
        else f"Does not conform: {len(report.violations)} violation{_plural(len(report.violations))}"
    )
    summary = f"{verdict}; {len(report.warnings)} warning{_plural(len(report.warnings))}."
    return "\n\n".join([*blocks, summary])


def _warnings_by_kind(warnings: Sequence[ValidationResult], *, base: str) -> list[str]:
    """One block per kind of warning (its path and message), the most frequent first, with one example."""
    kinds: dict[tuple[str | None, str], list[ValidationResult]] = defaultdict(list)
    for result in warnings:
        kinds[(result.path, result.message)].append(result)
    blocks = []
    for (path, message), results in sorted(kinds.items(), key=lambda item: -len(item[1])):
        example = results[0]
        lines = [f"Warning: {len(results)} x {message}"]
        if path:
            lines.append(f"  path:    {path}")
        lines.append(f"  e.g.:    {curie(example.focus_node, base=base)}")
        if example.files:
            lines.append(f"  file:    {', '.join(_display_path(path) for path in example.files)}")
        blocks.append("\n".join(lines))
    blocks.append(f"({len(warnings)} warnings of {len(kinds)} kinds; --all-warnings lists every one)")
    return blocks


def report_as_json(report: ValidationReport, *, base: str) -> dict[str, object]:
    return {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "results": [
            {
                "severity": result.severity,
                "focusNode": str(result.focus_node),
                "focusNodeCurie": curie(result.focus_node, base=base),
                "path": result.path,
                "message": result.message,
                "value": None if result.value is None else str(result.value),
                "shape": None if result.shape is None else curie(result.shape, base=base),
                "files": [_display_path(path) for path in result.files],
            }
            for result in report.results
        ],
    }


def _result_as_text(result: ValidationResult, *, base: str) -> str:
    lines = [f"{result.severity}: {curie(result.focus_node, base=base)}"]
    if result.path:
        lines.append(f"  path:    {result.path}")
    lines.append(f"  message: {result.message}")
    if result.value is not None:
        lines.append(f"  value:   {curie(result.value, base=base)}")
    if result.files:
        lines.append(f"  file:    {', '.join(_display_path(path) for path in result.files)}")
    return "\n".join(lines)


def _display_path(path: Path) -> str:
    """Relative to the working directory when the file is under it: shorter, and what the user typed."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"
