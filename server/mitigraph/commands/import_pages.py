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
from mitigraph.importer.importing import ImportResult, import_pages, reference_terms
from mitigraph.importer.writing import merge_plan, turtle_text, write_files_atomically
from mitigraph.iris import Minter
from mitigraph.loader import GraphLoadError, load_files, load_shapes, ontology_files, reference_data_files
from mitigraph.namespaces import MG
from mitigraph.settings import Settings

EXIT_SOME_FAILED = 1
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
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
        result = _import(pages, url=url, minter=Minter(base=settings.base))
    except GraphLoadError as error:
        _fail(str(error))
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    if not result.pages:
        _fail("nothing imported: no file is a navigator page")
    _report_warnings(result, all_warnings=all_warnings)
    _check_shapes(result)
    try:
        files = _planned_files(result, output=output, merge=merge, data_dir=data_dir)
        write_files_atomically(files)
    except (OSError, GraphLoadError) as error:
        _fail(f"nothing written: {error}")
    if output is None and not merge:
        click.echo(turtle_text(result.combined()), nl=False)
    click.echo(_summary(result, written=_written(files)), err=True)
    if result.failures:
        click.echo(f"error: {len(result.failures)} file(s) not imported (not navigator pages)", err=True)
        sys.exit(EXIT_SOME_FAILED)


def _import(pages: Sequence[Path], *, url: str | None, minter: Minter) -> ImportResult:
    terms = reference_terms(load_files(reference_data_files(), base=minter.base).graph, minter=minter)
    with tqdm(
        total=len(pages),
        desc="importing",
        unit="page",
        file=sys.stderr,
        disable=len(pages) < 2 or not sys.stderr.isatty(),
    ) as progress:
        return import_pages(pages, terms=terms, url=url, on_page=lambda _path: progress.update())


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


def _written(files: dict[Path, str]) -> str:
    """The files written, a directory of many page files named once with their count."""
    if not files:
        return "standard output"
    folders: dict[Path, int] = {}
    for path in files:
        folders[path.parent] = folders.get(path.parent, 0) + 1
    named = [_shown(path) for path in files if folders[path.parent] <= 2]
    named += [f"{_shown(folder)}/ ({count} files)" for folder, count in folders.items() if count > 2]
    return ", ".join(sorted(named))


def _shown(path: Path) -> str:
    """Relative to the working directory when the path is under it: shorter, and what the user typed."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _summary(result: ImportResult, *, written: str) -> str:
    records = len({node for page in result.pages for node in page.graph.subjects(RDF.type, MG.Mitigation)})
    incomplete = sum(page.incomplete for page in result.pages)
    categories = len(set(result.taxonomy.subjects(MG.evidence, None)))
    return (
        f"imported {len(result.pages)} page(s) ({incomplete} cut off), {records} records, "
        f"{categories} categories with learnt facts, into {written}"
    )


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
