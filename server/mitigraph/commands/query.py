"""`mitigraph query`: SPARQL over the project graph, on this machine."""

from __future__ import annotations

from pathlib import Path

import click

from mitigraph.examples import ExampleError, example_from_file
from mitigraph.loader import GraphLoadError, load_project
from mitigraph.local_query import RESULT_FORMATS, QueryError, render_result, run_query
from mitigraph.settings import Settings
from mitigraph.store import memory_store

EXIT_UNREADABLE = 2


@click.command(name="query")
@click.argument("query_or_file")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
    help="table for reading; json and csv are the W3C SPARQL result formats.",
)
def command(query_or_file: str, format_name: str) -> None:
    """Run a SPARQL query (text, or a file holding it) over the ontology and the data.

    Our prefixes (mg:, skos:, dcterms:, prov:, mgid: ...) are declared for you.
    """
    settings = Settings()
    try:
        query_text = _query_text(query_or_file)
        loaded = load_project(base=settings.base)
        result = run_query(memory_store(loaded.graph), query_text, base=settings.base)
        click.echo(render_result(result, format_name=format_name, base=settings.base), nl=False)
    except (GraphLoadError, QueryError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error


def _query_text(query_or_file: str) -> str:
    """The argument is a file when one exists at that path; otherwise it is the query itself.

    A `.ttl` file is an example query (queries/*.ttl): its query is run.
    """
    path = Path(query_or_file)
    if len(query_or_file) < 4096 and "\n" not in query_or_file and path.is_file():
        if path.suffix == ".ttl":
            try:
                return example_from_file(path).query
            except ExampleError as error:
                raise QueryError(str(error)) from error
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"cannot read the query file {path}: {error}") from error
    return query_or_file
