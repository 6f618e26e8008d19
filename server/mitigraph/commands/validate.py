"""`mitigraph validate`: check the project's graph, or the given files, against the shapes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mitigraph.loader import GraphLoadError, LoadedGraph, load_project, load_shapes, load_with_reference
from mitigraph.settings import Settings
from mitigraph.validation import ValidationReport, ValidationResult, curie, validate_graph

EXIT_CONFORMS = 0
EXIT_VIOLATIONS = 1
EXIT_UNREADABLE = 2


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
def command(files: tuple[Path, ...], report_format: str) -> None:
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
        click.echo(report_as_text(report, loaded=loaded, base=settings.base))
    raise SystemExit(EXIT_CONFORMS if report.conforms else EXIT_VIOLATIONS)


def report_as_text(report: ValidationReport, *, loaded: LoadedGraph, base: str) -> str:
    """One block per result, violations first, then a one-line verdict."""
    blocks = [_result_as_text(result, base=base) for result in report.results]
    verdict = (
        f"Conforms: {len(loaded.files)} files, {len(loaded.graph)} triples"
        if report.conforms
        else f"Does not conform: {len(report.violations)} violation{_plural(len(report.violations))}"
    )
    summary = f"{verdict}; {len(report.warnings)} warning{_plural(len(report.warnings))}."
    return "\n\n".join([*blocks, summary])


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
