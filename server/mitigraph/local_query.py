"""SPARQL over the project graph on this machine, with Oxigraph, and the answer as a table, JSON or CSV.

Our prefixes (`mg:`, `skos:`, `mgid:` ...) are declared for every query, so a user can write
`SELECT ?m WHERE { ?m a mg:Mitigation }` without a prologue; a query may still declare its own.
"""

from __future__ import annotations

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)

from mitigraph.namespaces import DEFAULT_BASE, PREFIXES

RESULT_FORMATS = ("table", "json", "csv")
MAX_CELL_WIDTH = 70
"""Widest column of a table; longer values are cut with an ellipsis (json and csv keep them whole)."""

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class QueryError(ValueError):
    """The query cannot be run as asked; the message is Oxigraph's own, or says which format fits."""


def query_prefixes(*, base: str = DEFAULT_BASE) -> dict[str, str]:
    return {**PREFIXES, "mgid": base}


def run_query(store: Store, query: str, *, base: str = DEFAULT_BASE) -> QueryResult:
    """Evaluate `query` with our prefixes declared; a malformed query raises QueryError with its position."""
    try:
        return store.query(query, prefixes=query_prefixes(base=base))
    except SyntaxError as error:
        raise QueryError(f"malformed SPARQL query: {error}") from error


def render_result(result: QueryResult, *, format_name: str, base: str = DEFAULT_BASE) -> str:
    """The result as text in `format_name` (table, json or csv).

    SELECT and ASK results use the W3C result formats for json and csv; a graph (CONSTRUCT, DESCRIBE) is
    Turtle as a table and JSON-LD as json, and has no csv form.
    """
    if format_name not in RESULT_FORMATS:
        raise QueryError(
            f"unknown result format {format_name!r}; expected one of {', '.join(RESULT_FORMATS)}"
        )
    if isinstance(result, QueryTriples):
        return _render_graph(result, format_name=format_name)
    if format_name == "json":
        return _decode(result.serialize(format=QueryResultsFormat.JSON))
    if format_name == "csv":
        return _decode(result.serialize(format=QueryResultsFormat.CSV))
    if isinstance(result, QueryBoolean):
        return "true\n" if bool(result) else "false\n"
    return _table(result, base=base)


def _render_graph(result: QueryTriples, *, format_name: str) -> str:
    if format_name == "csv":
        raise QueryError(
            "a CONSTRUCT or DESCRIBE query answers with a graph: use --format table (Turtle) or json"
        )
    rdf_format = RdfFormat.JSON_LD if format_name == "json" else RdfFormat.TURTLE
    return _decode(result.serialize(format=rdf_format))


def _decode(content: bytes | None) -> str:
    return (content or b"").decode("utf-8")


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
