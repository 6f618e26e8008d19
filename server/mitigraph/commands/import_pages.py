"""`mitigraph import`: turn the saved text of navigator pages into graph data."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
from rdflib import RDF
from tqdm import tqdm

from mitigraph.assets import data_dir as project_data_dir
from mitigraph.importer import ImportResult, PageFormatError, PageImport, import_page, reference_terms
from mitigraph.importer.merging import merge_plan
from mitigraph.importer.writing import turtle_text, write_files_atomically
from mitigraph.iris import Minter
from mitigraph.loader import GraphLoadError, load_files, load_shapes, ontology_files, reference_data_files
from mitigraph.namespaces import MG
from mitigraph.settings import Settings

EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


@click.command(name="import")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Write the page graphs and derived labels here as Turtle (default: standard output).",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Write data/pages/<page id>.ttl per page; add new derived labels to data/curated/labels.ttl.",
)
@click.option("--url", help="The page's address (one page only); by default it follows from the file name.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The data directory --merge writes into (default: the project's data/).",
)
def command(
    pages: tuple[Path, ...], output: Path | None, merge: bool, url: str | None, data_dir: Path | None
) -> None:
    """Import navigator PAGES (their saved text) as Turtle that conforms to the shapes.

    Warnings name the page and line of everything the importer decided on its own. Exit 0 on success,
    1 when the result does not conform to the shapes, 2 for a file that is not a navigator page
    (nothing is written then).
    """
    if url is not None and len(pages) != 1:
        raise click.UsageError(f"--url names one page, but {len(pages)} pages were given")
    settings = Settings()
    try:
        result = _import(pages, url=url, minter=Minter(base=settings.base))
    except (PageFormatError, GraphLoadError) as error:
        _fail(str(error))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    _check_shapes(result)
    try:
        files = _planned_files(result, output=output, merge=merge, data_dir=data_dir)
        write_files_atomically(files)
    except (OSError, GraphLoadError) as error:
        _fail(f"nothing written: {error}")
    if output is None and not merge:
        click.echo(turtle_text(result.combined()), nl=False)
    records = len(set(result.page_graph().subjects(RDF.type, MG.Mitigation)))
    written = ", ".join(str(path) for path in files) or "standard output"
    click.echo(f"imported {len(result.pages)} page(s), {records} records, into {written}", err=True)


def _import(pages: Sequence[Path], *, url: str | None, minter: Minter) -> ImportResult:
    terms = reference_terms(load_files(reference_data_files(), base=minter.base).graph, minter=minter)
    progress = tqdm(
        pages,
        desc="importing",
        unit="page",
        file=sys.stderr,
        disable=len(pages) < 2 or not sys.stderr.isatty(),
    )
    imported: list[PageImport] = [import_page(path, terms=terms, url=url) for path in progress]
    return ImportResult(pages=tuple(imported))


def _check_shapes(result: ImportResult) -> None:
    """Refuse to write a result that, with the ontology and reference data, breaks the shapes."""
    from mitigraph.validation import curie, validate_graph

    data = result.combined() + load_files(reference_data_files()).graph
    report = validate_graph(data, shapes=load_shapes(), ontology=load_files(ontology_files()).graph)
    if report.conforms:
        return
    for violation in report.violations:
        path = f" {violation.path}" if violation.path else ""
        click.echo(f"violation: {curie(violation.focus_node)}{path}: {violation.message}", err=True)
    click.echo("nothing written: the imported data does not conform to the shapes", err=True)
    sys.exit(EXIT_VIOLATIONS)


def _planned_files(
    result: ImportResult, *, output: Path | None, merge: bool, data_dir: Path | None
) -> dict[Path, str]:
    files: dict[Path, str] = {}
    if output is not None:
        files[output] = turtle_text(result.combined())
    if merge:
        root = data_dir if data_dir is not None else project_data_dir()
        (root / "pages").mkdir(parents=True, exist_ok=True)
        (root / "curated").mkdir(parents=True, exist_ok=True)
        files.update(merge_plan(result, data_dir=root))
    return files


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)
