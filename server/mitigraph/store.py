"""The Oxigraph store: the published graph on disk, opened read-only by every process that serves it, and the
reader Mitigraph's own bounded queries go through.

The store is written once (`write_disk_store`, from the loader's in-memory store) and never changed after:
the site that describes it (mitigraph.site) and the web workers only read it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
)
from rdflib import Graph

from mitigraph.namespaces import sparql_prologue

Term = NamedNode | BlankNode | Literal
GraphSource = Store | Graph
"""What a store is filled from: the loader's Oxigraph store (its default graph), or an rdflib graph."""

STORE_MARKER = "CURRENT"
"""A file every on-disk Oxigraph (RocksDB) store has."""
BULK_CHUNK_QUADS = 100_000
"""Quads handed to Oxigraph's bulk loader at a time when one store is filled from another: in one call it
buffers everything it is given (730 MB more at 1.08 million triples); in chunks of this size it needs no
memory beyond the source's, for a tenth more time."""
MAX_BLANK_NODE_DEPTH = 8
"""How deep the description of an entity follows blank nodes (author lists, reified statements)."""


class StoreError(Exception):
    """The store cannot be opened or written; the message names the directory and what to do."""


def fill_store(store: Store, source: GraphSource) -> Store:
    """Bulk-load the triples of `source` into the default graph of `store`."""
    if isinstance(source, Graph):
        store.bulk_load(source.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    else:
        quads = iter(source.quads_for_pattern(None, None, None, DefaultGraph()))
        while chunk := list(islice(quads, BULK_CHUNK_QUADS)):
            store.bulk_extend(chunk)
    return store


def memory_store(source: GraphSource) -> Store:
    return fill_store(Store(), source)


def write_disk_store(source: GraphSource, directory: Path) -> Path:
    """Write the triples of `source` into a new on-disk store at `directory`, compacted and closed, so that
    any number of processes can then open it read-only. (Other files in `directory` are left alone: the
    store's site is written beside it.)"""
    directory = Path(directory)
    if (directory / STORE_MARKER).exists():
        raise StoreError(f"cannot write a new store into {directory}: it already holds one")
    try:
        store = fill_store(Store(str(directory)), source)
        store.optimize()
        store.flush()
    except OSError as error:
        raise StoreError(f"cannot write the Oxigraph store at {directory}: {error}") from error
    del store
    return directory


def open_read_only(directory: Path) -> Store:
    """Open an on-disk store for reading; many processes may do so at once."""
    if not Path(directory).is_dir():
        raise StoreError(f"no Oxigraph store at {directory}: write one with `mitigraph build --store DIR`")
    try:
        return Store.read_only(str(directory))
    except OSError as error:
        raise StoreError(f"cannot open the Oxigraph store at {directory}: {error}") from error


class GraphReader:
    """Mitigraph's own queries (pages, counts), with our prefixes declared and values bound by substitution.

    It reads the same read-only store as the query processes, in-process, for bounded queries only.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._prologue = sparql_prologue()

    def rows(self, query: str, **bindings: Term) -> Iterator[dict[str, Term]]:
        """Rows of a SELECT query as dicts of variable name -> term (unbound variables are left out), one at
        a time as the store finds them.

        `bindings` substitute variables before evaluation, e.g. `rows(q, entity=NamedNode(iri))`;
        Oxigraph asks that a substituted variable appear in the projection (`SELECT *` does).
        """
        solutions = self._store.query(self._prologue + query, substitutions=_substitutions(bindings))
        assert isinstance(solutions, QuerySolutions), "rows() and select() take SELECT queries"
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield {name: solution[name] for name in names if solution[name] is not None}

    def select(self, query: str, **bindings: Term) -> list[dict[str, Term]]:
        """Every row of a SELECT query (see `rows`)."""
        return list(self.rows(query, **bindings))

    def ask(self, query: str, **bindings: Term) -> bool:
        return bool(self._store.query(self._prologue + query, substitutions=_substitutions(bindings)))

    def triples_about(self, subject: NamedNode) -> list[tuple[NamedNode, Term]]:
        return [
            (quad.predicate, cast(Term, quad.object))
            for quad in self._store.quads_for_pattern(subject, None, None)
        ]

    def description(self, subject: NamedNode) -> list[Triple]:
        """The concise bounded description: the subject's triples, following blank nodes to a fixed depth."""
        triples: list[Triple] = []
        frontier: list[NamedNode | BlankNode] = [subject]
        seen: set[NamedNode | BlankNode] = set()
        for _ in range(MAX_BLANK_NODE_DEPTH):
            next_frontier: list[NamedNode | BlankNode] = []
            for node in frontier:
                if node in seen:
                    continue
                seen.add(node)
                for quad in self._store.quads_for_pattern(node, None, None, DefaultGraph()):
                    triples.append(quad.triple)
                    if isinstance(quad.object, BlankNode):
                        next_frontier.append(quad.object)
            if not next_frontier:
                break
            frontier = next_frontier
        return triples

    @property
    def store(self) -> Store:
        return self._store


def _substitutions(bindings: Mapping[str, Term]) -> dict[Variable, Term | Triple] | None:
    return {Variable(name): value for name, value in bindings.items()} or None
