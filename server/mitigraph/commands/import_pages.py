"""`mitigraph import`: turn the saved text of navigator pages into graph data."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from mitigraph.commands.outcome import fail
from mitigraph.exit_codes import ExitCode
from mitigraph.importer.importing import ImportResult, import_pages, reference_terms
from mitigraph.importer.writing import turtle_text, write_for_checking, write_import
from mitigraph.loader import GraphLoadError
from mitigraph.pipeline import GraphInvalid, load_and_validate
from mitigraph.progress import progress_bar
from mitigraph.reporting import display_path, report_as_text
from mitigraph.settings import Settings

WARNINGS_LISTED = 20
"""Up to this many warnings are printed one by one; more are summed up by kind (see --all-warnings)."""


@click.command(name="import")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Write the page graphs, learnt taxonomy and derived labels here as Turtle (default: standard "
    "output).",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Write data/pages/<page id>.ttl per page and data/taxonomy-learnt.ttl; add new derived labels to "
    "data/curated/labels.ttl.",
)
@click.option("--url", help="The page's address (one page only); by default it follows from the file name.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The data directory --merge writes into (default: the project's data/).",
)
@click.option("--all-warnings", is_flag=True, help="Print every warning, not a summary by kind.")
def command(
    pages: tuple[Path, ...],
    output: Path | None,
    merge: bool,
    url: str | None,
    data_dir: Path | None,
    all_warnings: bool,
) -> None:
    """Import navigator PAGES (their saved text) as Turtle that conforms to the shapes.

    The pages are imported together: pages of one source complete each other (sources, titles, category
    codes), and the taxonomy is learnt from all of them. Warnings name the page and line of everything the
    importer decided on its own. Exit 0 on success; 1 when the result does not conform to the shapes
    (nothing is written then) or when some files were not navigator pages (the others are imported);
    2 when no file was a navigator page.
    """
    if url is not None and len(pages) != 1:
        raise click.UsageError(f"--url names one page, but {len(pages)} pages were given")
    settings = Settings()
    try:
        terms = reference_terms(base=settings.base)
    except GraphLoadError as error:
        fail(error)
    with progress_bar(description="importing", total=len(pages), unit="page") as bar:
        result = import_pages(pages, terms=terms, url=url, on_page=lambda _path: bar.update())
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    if not result.pages:
        fail("nothing imported: no file is a navigator page")
    _report_warnings(result, all_warnings=all_warnings)
    _check_shapes(result, base=settings.base, all_warnings=all_warnings)
    try:
        written = write_import(result, output=output, merge=merge, data_dir=data_dir)
    except (OSError, GraphLoadError) as error:
        fail(f"nothing written: {error}")
    if output is None and not merge:
        click.echo(turtle_text(result.combined()), nl=False)
    click.echo(
        f"imported {len(result.pages)} page(s) ({result.incomplete} cut off), {result.records} records, "
        f"{result.learnt_categories} categories with learnt facts, into {_written(written)}",
        err=True,
    )
    if result.failures:
        fail(f"{len(result.failures)} file(s) not imported (not navigator pages)", code=ExitCode.INVALID)


def _report_warnings(result: ImportResult, *, all_warnings: bool) -> None:
    """Every warning when there are few, else one line per kind with its count and a first example."""
    warnings = result.warnings
    if all_warnings or len(warnings) <= WARNINGS_LISTED:
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        return
    for kind, count in result.warnings_by_kind():
        example = next(warning for warning in warnings if warning.kind == kind)
        click.echo(f"warning: {count} x {kind.value}, e.g. {example}", err=True)
    click.echo(f"warning: {len(warnings)} warnings in all; --all-warnings lists every one", err=True)


def _check_shapes(result: ImportResult, *, base: str, all_warnings: bool) -> None:
    """Refuse to write a result that, with the ontology and reference data, breaks the shapes."""
    with tempfile.TemporaryDirectory(prefix="mitigraph-import-") as scratch:
        checked = write_for_checking(result, Path(scratch))
        try:
            load_and_validate(base=base, files=list(checked), with_reference=True)
        except GraphLoadError as error:
            fail(error)
        except GraphInvalid as invalid:
            report = report_as_text(
                invalid.report.with_files_renamed(checked),
                loaded=invalid.loaded,
                base=base,
                all_warnings=all_warnings,
            )
            click.echo(report, err=True)
            fail("nothing written: the imported data does not conform to the shapes", code=ExitCode.INVALID)


def _written(files: tuple[Path, ...]) -> str:
    """The files written, a directory of many page files named once with their count."""
    if not files:
        return "standard output"
    folders: dict[Path, int] = {}
    for path in files:
        folders[path.parent] = folders.get(path.parent, 0) + 1
    named = [display_path(path) for path in files if folders[path.parent] <= 2]
    named += [f"{display_path(folder)}/ ({count} files)" for folder, count in folders.items() if count > 2]
    return ", ".join(sorted(named))
