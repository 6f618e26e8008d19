"""SPARQL over the project graph on this machine, with Oxigraph, and the answer as a table, JSON or CSV.

Our prefixes (`mg:`, `skos:`, `mgid:` ...) are declared for every query, so a user can write
`SELECT ?m WHERE { ?m a mg:Mitigation }` without a prologue; a query may still declare its own.

A query typed at the command line is as untrusted as one sent to the server (it may come from a web page,
a chat, a file someone shared), so it gets the same treatment: the server's refusals (`query_guard`),
then evaluation in a sandboxed query process (`query_pool`, one process, over a temporary read-only copy
of the graph) with the server's time, memory and result limits. The answer comes back serialised and is
rendered here.
"""

from __future__ import annotations

import re
import tempfile
from http import HTTPStatus
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Store,
    parse_query_results,
)
from rdflib import Graph

from mitigraph.namespaces import prefixes, shorten
from mitigraph.query_guard import refusal_for
from mitigraph.query_jobs import (
    NoAcceptableFormat,
    QueryError,
    QueryJob,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
)
from mitigraph.query_pool import QueryPool
from mitigraph.settings import Settings
from mitigraph.store import fill_store

RESULT_FORMATS = ("table", "json", "csv")
MAX_CELL_WIDTH = 70
"""Widest column of a table; longer values are cut with an ellipsis (json and csv keep them whole)."""

_FORMATS_ASKED = {
    "table": ("JSON", "TURTLE"),
    "json": ("JSON", "JSON_LD"),
    "csv": ("CSV", None),
}
"""What the query process is asked to write for each output format: (solutions, graph). A table of
solutions is rendered here from SPARQL JSON; a graph has no CSV form."""


class QueryTextError(ValueError):
    """The query typed cannot be run as asked; the message is one line: Oxigraph's own, or what to do
    instead. (Not `query_jobs.QueryError`, which a query process reports about a job.)"""


def answer_query(graph: Store | Graph, query: str, *, format_name: str, settings: Settings) -> str:
    """The answer to `query` over `graph` (a store's default graph, or an rdflib graph) as text in
    `format_name` (table, json or csv).

    SELECT and ASK results use the W3C result formats for json and csv; a graph (CONSTRUCT, DESCRIBE) is
    Turtle as a table and JSON-LD as json, and has no csv form. Refused and malformed queries, and queries
    past a limit, raise QueryTextError.
    """
    if format_name not in RESULT_FORMATS:
        raise QueryTextError(
            f"unknown result format {format_name!r}; expected one of {', '.join(RESULT_FORMATS)}"
        )
    refuse_if_not_allowed(query, settings=settings)
    solutions_format, graph_format = _FORMATS_ASKED[format_name]
    job = QueryJob(
        query=query,
        solutions_format=solutions_format,
        graph_format=graph_format,
        prefixes=tuple(prefixes(settings.base).items()),
    )
    result = evaluate(graph, job, settings=settings)
    if result.kind == "solutions" and format_name == "table":
        return _solutions_table(result.body, base=settings.base)
    return result.body.decode("utf-8")


def refuse_if_not_allowed(query: str, *, settings: Settings) -> None:
    """Raise QueryTextError when `query` is empty, or when the server would refuse it (SERVICE, FROM,
    LOAD, updates, nesting)."""
    if _BLANK.fullmatch(query):
        raise QueryTextError(
            "the query is empty: give a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) or a file with one"
        )
    refusal = refusal_for(query, max_depth=settings.max_query_depth)
    if refusal is None:
        return
    if refusal.status == HTTPStatus.FORBIDDEN:
        raise QueryTextError(
            "read-only: updates are not run; mitigraph query answers SELECT, ASK, CONSTRUCT and DESCRIBE"
        )
    raise QueryTextError(refusal.message)


def syntax_error_message(query: str, oxigraph_message: str, *, known: list[str]) -> str:
    """What is wrong with a query Oxigraph could not parse, in words a reader can act on.

    A prefix that is neither `known` nor declared in the query is named, with the known ones (for it
    Oxigraph says "expected one of Prefix not found" and lists Unicode ranges, or only names the next
    keyword it could have read). Otherwise Oxigraph's position, the text there, and the keywords or
    punctuation it expected, without its character classes.
    """
    unknown = undeclared_prefixes(query, known=known)
    if unknown:
        names = ", ".join(f"{name}:" if name else ": (the empty prefix)" for name in unknown)
        return (
            f"unknown prefix{'es' if len(unknown) > 1 else ''} {names}, not declared in the query: "
            f"add PREFIX {unknown[0]}: <namespace IRI>, or use a known one\n"
            f"known prefixes: {' '.join(f'{name}:' for name in known)}"
        )
    return f"malformed SPARQL query: {_readable(query, _one_line(oxigraph_message))}"


def undeclared_prefixes(query: str, *, known: list[str]) -> list[str]:
    """The prefixes of the prefixed names in `query` that are neither `known` nor declared by its own
    PREFIX lines, in order of first use. Strings, IRIs, comments, variables and language tags are read
    past, so a colon inside them is not taken for a prefix."""
    used: list[str] = []
    for token in _PREFIX_TOKENS.finditer(query):
        name = token.group("prefix")
        if name is not None and name not in used:
            used.append(name)
    declared = set(_DECLARED_PREFIX.findall(query))
    return [name for name in used if name not in known and name not in declared]


_BLANK = re.compile(r"(?:\s|#[^\r\n]*)*")
"""A query text of nothing but white space and comments."""
_PN_PREFIX = r"(?:[^\W\d_](?:[\w.\-]*[\w\-])?)?"
"""SPARQL's PN_PREFIX: a letter, then letters, digits, `_`, `-` and `.` (not last); may be empty."""
_PREFIX_TOKENS = re.compile(
    r"\#[^\r\n]*"
    r"|'''.*?(?:'''|\Z)|\"\"\".*?(?:\"\"\"|\Z)"
    r"|'(?:[^'\\\r\n]|\\.)*'?|\"(?:[^\"\\\r\n]|\\.)*\"?"
    r"|<[^<>\"{}|^`\x00-\x20]*>"
    r"|[?$]\w+|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
    rf"|(?<![\w.\-:])(?P<prefix>{_PN_PREFIX}):",
    re.S,
)
"""Left to right: the tokens a colon may sit in (read past), or a prefixed name's prefix (captured)."""
_DECLARED_PREFIX = re.compile(rf"\bPREFIX\s+({_PN_PREFIX}):", re.I)
_POSITION = re.compile(r"error at (\d+):(\d+)")
_EXPECTED_ITEM = re.compile(r"\"(?:[^\"\\]|\\.)*\"|\[(?:'(?:[^'\\]|\\.)*'|[^\]])*\]|[^,\s][^,]*")
"""One item of Oxigraph's `expected one of ...` list: a quoted token, a bracketed character class, or a
keyword or rule name."""
_NEAR_CHARACTERS = 20


def _readable(query: str, message: str) -> str:
    """Oxigraph's `error at L:C: expected one of A, B, [ranges]` with the text found at L:C and without
    the character classes: a reader wants the keyword or punctuation that was expected, if any."""
    position = _POSITION.search(message)
    if position is None:
        return message
    line, column = int(position.group(1)), int(position.group(2))
    lines = query.splitlines()
    after = " ".join([lines[line - 1][column - 1 :], *lines[line:]]) if line <= len(lines) else ""
    after = " ".join(after.split())
    where = f"error at {line}:{column}, " + (
        f"at {after[:_NEAR_CHARACTERS]!r}" if after else "where the query ends"
    )
    _, _, expected = message[position.end() :].partition("expected")
    items = [
        item.strip()
        for item in _EXPECTED_ITEM.findall(expected.removeprefix(" one of"))
        if not item.startswith("[") and item.strip() != "Prefix not found"
    ]
    return f"{where}: expected {' or '.join(items)}" if items else where


def evaluate(graph: Store | Graph, job: QueryJob, *, settings: Settings) -> QueryResult:
    """Evaluate one job in a sandboxed query process over a temporary read-only store of `graph`.

    No refusal is applied here (`answer_query` applies them): what this returns is what the sandbox lets
    a query do.
    """
    with tempfile.TemporaryDirectory(prefix="mitigraph-query-") as directory:
        store_dir = Path(directory) / "store"
        store = fill_store(Store(str(store_dir)), graph)
        store.flush()
        del store
        single = settings.with_changes(query_workers=1, query_threads=1)
        pool = QueryPool.from_settings(store_dir, single, memory_copy=False)
        try:
            pool.start()
            return pool.run(job)
        except QuerySyntaxError as error:
            known = [name for name, _ in job.prefixes]
            raise QueryTextError(syntax_error_message(job.query, str(error), known=known)) from error
        except NoAcceptableFormat as error:
            raise QueryTextError(
                "a CONSTRUCT or DESCRIBE query answers with a graph: use --format table (Turtle) or json"
            ) from error
        except QueryTimeout as error:
            raise QueryTextError(
                f"the query ran longer than {settings.query_timeout:g} s and was stopped; "
                "narrow it down or add a LIMIT"
            ) from error
        except QueryError as error:
            raise QueryTextError(_one_line(str(error))) from error
        finally:
            pool.close()


def _one_line(message: str) -> str:
    """Oxigraph wraps long syntax errors over several lines; a command prints one."""
    return " ".join(line.strip() for line in message.splitlines())


def _solutions_table(body: bytes, *, base: str) -> str:
    """SELECT solutions as an aligned table, ASK as true or false, read back from SPARQL JSON."""
    results = parse_query_results(body, format=QueryResultsFormat.JSON)
    if isinstance(results, QueryBoolean):
        return "true\n" if bool(results) else "false\n"
    return _table(results, base=base)


def _table(solutions: QuerySolutions, *, base: str) -> str:
    names = [variable.value for variable in solutions.variables]
    rows = [[_cell(solution[name], base=base) for name in names] for solution in solutions]
    widths = [max([len(name), *(len(row[index]) for row in rows)]) for index, name in enumerate(names)]
    lines = [
        "  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
        *(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ),
        f"({len(rows)} row{'s' if len(rows) != 1 else ''})",
    ]
    return "\n".join(lines) + "\n"


def _cell(term: object, *, base: str) -> str:
    """A term as a reader wants it in a table: IRIs shortened with our prefixes, literals as their text."""
    if term is None:
        text = ""
    elif isinstance(term, NamedNode):
        text = shorten(term.value, base=base)
    elif isinstance(term, BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, Literal):
        text = term.value
    else:
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "…"
