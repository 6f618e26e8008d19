"""The Oxigraph store: filled from the validated rdflib graph, read by the pages and the SPARQL endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, RdfFormat, Store
from rdflib import Graph

from mitigraph.namespaces import sparql_prologue

Term = NamedNode | BlankNode | Literal


def fill_store(store: Store, graph: Graph) -> Store:
    """Bulk-load an rdflib graph into an Oxigraph store (default graph)."""
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    return store


def memory_store(graph: Graph) -> Store:
    return fill_store(Store(), graph)


def disk_store(graph: Graph, directory: Path) -> Path:
    """Write the graph into an on-disk store at `directory` (created), so processes can open it read-only."""
    store = fill_store(Store(str(directory)), graph)
    store.optimize()
    store.flush()
    del store
    return directory


class GraphReader:
    """Mitigraph's own queries (pages, counts), with our prefixes declared and values bound by substitution."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._prologue = sparql_prologue()

    def select(self, query: str, **bindings: Term) -> list[dict[str, Term]]:
        """Rows of a SELECT query as dicts of variable name -> term (unbound variables are left out).

        `bindings` substitute variables before evaluation, e.g. `select(q, entity=NamedNode(iri))`;
        Oxigraph asks that a substituted variable appear in the projection (`SELECT *` does).
        """
        from pyoxigraph import Variable

        substitutions = {Variable(name): value for name, value in bindings.items()}
        solutions = self._store.query(self._prologue + query, substitutions=substitutions or None)
        assert isinstance(solutions, QuerySolutions), "select() takes SELECT queries"
        names = [variable.value for variable in solutions.variables]
        return [
            {name: solution[name] for name in names if solution[name] is not None} for solution in solutions
        ]

    def ask(self, query: str, **bindings: Term) -> bool:
        from pyoxigraph import Variable

        substitutions = {Variable(name): value for name, value in bindings.items()}
        return bool(self._store.query(self._prologue + query, substitutions=substitutions or None))

    def triples_about(self, subject: NamedNode) -> list[tuple[NamedNode, Term]]:
        return [(quad.predicate, quad.object) for quad in self._store.quads_for_pattern(subject, None, None)]

    @property
    def store(self) -> Store:
        return self._store


def as_mapping(row: Mapping[str, Term]) -> dict[str, str]:
    """Plain string values of a row (IRIs and literal lexical forms), for templates."""
    return {name: term.value for name, term in row.items()}
