"""`mitigraph query`: SPARQL over the project graph, on this machine, in a sandboxed query process."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import click

from mitigraph.commands.outcome import fail
from mitigraph.examples import ExampleError, example_from_file
from mitigraph.loader import GraphLoadError, load_project
from mitigraph.local_query import RESULT_FORMATS, QueryTextError, answer_query, refuse_if_not_allowed
from mitigraph.settings import Settings


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
    server runs one: read-only (updates are not run), SERVICE, FROM and LOAD refused, evaluated without
    network access and with the server's time and memory limits. A file name that does not exist is an
    error, not a query.
    """
    settings = Settings()
    logging.getLogger("mitigraph.query_pool").setLevel(logging.ERROR)  # the one-line error says it all
    try:
        query_text = _query_text(query_or_file)
        refuse_if_not_allowed(query_text, settings=settings)
        loaded = load_project(base=settings.base)
        answer = answer_query(loaded.store, query_text, format_name=format_name, settings=settings)
    except (GraphLoadError, QueryTextError) as error:
        fail(error)
    click.echo(answer, nl=False)


def _query_text(query_or_file: str) -> str:
    """The argument is a file when one exists at that path; otherwise it is the query itself, unless it
    looks like a file name (then the file is missing, and running the name as SPARQL would only confuse).

    A `.ttl` file is an example query (queries/*.ttl): its query is run.
    """
    path = Path(query_or_file)
    if len(query_or_file) < MAX_FILE_NAME and "\n" not in query_or_file and _is_file(path):
        if path.suffix == ".ttl":
            try:
                return example_from_file(path).query
            except ExampleError as error:
                raise QueryTextError(str(error)) from error
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryTextError(f"cannot read the query file {path}: {error}") from error
    if looks_like_a_file_name(query_or_file):
        if _is_directory(path):
            raise QueryTextError(f"{query_or_file} is a directory: give a query file or a query")
        raise QueryTextError(f"no such file: {query_or_file}")
    return query_or_file


MAX_FILE_NAME = 4096
"""Longer arguments are query texts (no file system takes a longer path)."""
QUERY_FILE_SUFFIXES = (".rq", ".sparql", ".ttl")
_SPARQL_KEYWORD = re.compile(
    r"\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE|WHERE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE)\b", re.I
)


def looks_like_a_file_name(argument: str) -> bool:
    """Whether `argument` reads as a file name rather than a query: one line without a brace, either
    ending in a query file's suffix, or without SPARQL keywords and holding a slash or no space."""
    if len(argument) >= MAX_FILE_NAME or "\n" in argument or "{" in argument:
        return False
    if argument.strip().lower().endswith(QUERY_FILE_SUFFIXES):
        return True
    one_word = len(argument.split()) == 1
    return ("/" in argument or one_word) and _SPARQL_KEYWORD.search(argument) is None


def _is_file(path: Path) -> bool:
    """Whether a file is at `path`; a query text too long to be a file name is not one."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_directory(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
