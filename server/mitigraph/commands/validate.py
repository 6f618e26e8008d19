"""`mitigraph validate`: check the project's graph, or the given files, against the shapes."""

from __future__ import annotations

from pathlib import Path

import click

from mitigraph.commands.outcome import fail
from mitigraph.exit_codes import ExitCode
from mitigraph.loader import GraphLoadError
from mitigraph.pipeline import GraphInvalid, load_and_validate
from mitigraph.reporting import WARNINGS_LISTED, report_as_json, report_as_text
from mitigraph.settings import Settings


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
        checked = load_and_validate(base=settings.base, files=files, with_reference=bool(files))
        loaded, report, code = checked.loaded, checked.report, ExitCode.OK
    except GraphLoadError as error:
        fail(error)
    except GraphInvalid as invalid:
        loaded, report, code = invalid.loaded, invalid.report, ExitCode.INVALID
    assert report is not None, "validation was asked for"
    if report_format == "json":
        click.echo(report_as_json(report, base=settings.base))
    else:
        click.echo(report_as_text(report, loaded=loaded, base=settings.base, all_warnings=all_warnings))
    raise SystemExit(code)
