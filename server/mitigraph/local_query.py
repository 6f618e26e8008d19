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

import tempfile
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

from mitigraph.namespaces import DEFAULT_BASE, PREFIXES
from mitigraph.query_guard import refusal_for
from mitigraph.query_pool import (
    NoAcceptableFormat,
    QueryJob,
    QueryPool,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
)
from mitigraph.query_pool import QueryError as EvaluationError
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


class QueryError(ValueError):
    """The query cannot be run as asked; the message is one line: Oxigraph's own, or what to do instead."""


def query_prefixes(*, base: str = DEFAULT_BASE) -> dict[str, str]:
    return {**PREFIXES, "mgid": base}


def answer_query(graph: Graph, query: str, *, format_name: str, settings: Settings) -> str:
    """The answer to `query` over `graph` as text in `format_name` (table, json or csv).

    SELECT and ASK results use the W3C result formats for json and csv; a graph (CONSTRUCT, DESCRIBE) is
    Turtle as a table and JSON-LD as json, and has no csv form. Refused and malformed queries, and queries
    past a limit, raise QueryError.
    """
    if format_name not in RESULT_FORMATS:
        raise QueryError(
            f"unknown result format {format_name!r}; expected one of {', '.join(RESULT_FORMATS)}"
        )
    refuse_if_not_allowed(query, settings=settings)
    solutions_format, graph_format = _FORMATS_ASKED[format_name]
    job = QueryJob(
        query=query,
        solutions_format=solutions_format,
        graph_format=graph_format,
        prefixes=tuple(query_prefixes(base=settings.base).items()),
    )
    result = evaluate(graph, job, settings=settings)
    if result.kind == "solutions" and format_name == "table":
        return _solutions_table(result.body, base=settings.base)
    return result.body.decode("utf-8")


def refuse_if_not_allowed(query: str, *, settings: Settings) -> None:
    """Raise QueryError when the server would refuse `query` (SERVICE, FROM, LOAD, updates, nesting)."""
    refusal = refusal_for(query, max_depth=settings.max_query_depth)
    if refusal is not None:
        raise QueryError(refusal.message)


def evaluate(graph: Graph, job: QueryJob, *, settings: Settings) -> QueryResult:
    """Evaluate one job in a sandboxed query process over a temporary read-only store of `graph`.

    No refusal is applied here (`answer_query` applies them): what this returns is what the sandbox lets
    a query do.
    """
    with tempfile.TemporaryDirectory(prefix="mitigraph-query-") as directory:
        store_dir = Path(directory) / "store"
        store = fill_store(Store(str(store_dir)), graph)
        store.flush()
        del store
        pool = QueryPool(
            store_dir,
            size=1,
            timeout=settings.query_timeout,
            queue_timeout=settings.queue_timeout,
            max_result_bytes=settings.max_result_bytes,
            memory_bytes=settings.query_memory,
            memory_copy=False,
            unsandboxed=settings.unsandboxed,
        )
        try:
            pool.start()
            return pool.run(job)
        except QuerySyntaxError as error:
            raise QueryError(f"malformed SPARQL query: {_one_line(str(error))}") from error
        except NoAcceptableFormat as error:
            raise QueryError(
                "a CONSTRUCT or DESCRIBE query answers with a graph: use --format table (Turtle) or json"
            ) from error
        except QueryTimeout as error:
            raise QueryError(
                f"the query ran longer than {settings.query_timeout:g} s and was stopped; "
                "narrow it down or add a LIMIT"
            ) from error
        except EvaluationError as error:
            raise QueryError(_one_line(str(error))) from error
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
        text = shorten_iri(term.value, base=base)
    elif isinstance(term, BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, Literal):
        text = term.value
    else:
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "…"


def shorten_iri(iri: str, *, base: str = DEFAULT_BASE) -> str:
    """`mgid:mitigation/x` for an IRI under one of our namespaces, `<iri>` otherwise.

    A display form for tables and reports: the local part may hold `/`, which CURIEs allow (Turtle does not).
    """
    matches = [
        (prefix, ns) for prefix, ns in query_prefixes(base=base).items() if iri.startswith(ns) and iri != ns
    ]
    if not matches:
        return f"<{iri}>"
    prefix, namespace = max(matches, key=lambda match: len(match[1]))
    return f"{prefix}:{iri[len(namespace) :]}"
