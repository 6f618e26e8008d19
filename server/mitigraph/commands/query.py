"""`mitigraph query`: SPARQL over the project graph, on this machine, in a sandboxed query process."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from mitigraph.examples import ExampleError, example_from_file
from mitigraph.loader import GraphLoadError, load_project
from mitigraph.local_query import RESULT_FORMATS, QueryError, answer_query, refuse_if_not_allowed
from mitigraph.settings import Settings

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

    Our prefixes (mg:, skos:, dcterms:, prov:, mgid: ...) are declared for you. The query runs as the
    server runs one: SERVICE, FROM and LOAD are refused, and it is evaluated without network access, with
    the server's time and memory limits.
    """
    settings = Settings()
    logging.getLogger("mitigraph.query_pool").setLevel(logging.ERROR)  # the one-line error says it all
    try:
        query_text = _query_text(query_or_file)
        refuse_if_not_allowed(query_text, settings=settings)
        loaded = load_project(base=settings.base)
        click.echo(
            answer_query(loaded.graph, query_text, format_name=format_name, settings=settings), nl=False
        )
    except (GraphLoadError, QueryError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error


def _query_text(query_or_file: str) -> str:
    """The argument is a file when one exists at that path; otherwise it is the query itself.

    A `.ttl` file is an example query (queries/*.ttl): its query is run.
    """
    path = Path(query_or_file)
    if len(query_or_file) < 4096 and "\n" not in query_or_file and _is_file(path):
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


def _is_file(path: Path) -> bool:
    """Whether a file is at `path`; a query text too long to be a file name is not one."""
    try:
        return path.is_file()
    except OSError:
        return False
