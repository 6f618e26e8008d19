"""Helpers for the importer tests: SPARQL with our prefixes over an imported graph."""

from __future__ import annotations

from rdflib import Graph

from mitigraph.namespaces import sparql_prologue


def select(graph: Graph, query: str) -> list[tuple[str | None, ...]]:
    """Rows of a SPARQL SELECT with our prefixes, every value as its string (None when unbound)."""
    rows = graph.query(sparql_prologue() + query)
    return [tuple(str(value) if value is not None else None for value in row) for row in rows]  # type: ignore[union-attr]
