"""The Oxigraph store: filled from the validated rdflib graph, read by the pages and the SPARQL endpoint."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, RdfFormat, Store, Triple, Variable
from rdflib import Graph

from mitigraph.namespaces import DEFAULT_BASE, sparql_prologue

if TYPE_CHECKING:
    from mitigraph.loader import LoadedGraph
    from mitigraph.settings import Settings
    from mitigraph.validation import ValidationReport

Term = NamedNode | BlankNode | Literal


def fill_store(store: Store, graph: Graph) -> Store:
    """Bulk-load an rdflib graph into an Oxigraph store (default graph)."""
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    return store


def memory_store(graph: Graph) -> Store:
    return fill_store(Store(), graph)


def disk_store(graph: Graph, directory: Path, *, base: str = DEFAULT_BASE) -> Path:
    """Write the graph into an on-disk store at `directory` (created), so processes can open it read-only.

    The store's site cache (mitigraph.site_cache: downloads, search index, counts, documents) is computed
    here too, once, so that no server process ever has to compute it.
    """
    from mitigraph.site_cache import write_store_site_cache

    store = fill_store(Store(str(directory)), graph)
    store.optimize()
    store.flush()
    del store
    write_store_site_cache(directory, base=base)
    return directory


class StoreError(Exception):
    """The store cannot be opened or written; the message names the directory and what to do."""


class GraphInvalid(Exception):
    """The graph to serve does not conform to the shapes; `report` holds every violation."""

    def __init__(self, report: ValidationReport, *, loaded: LoadedGraph) -> None:
        self.report = report
        self.loaded = loaded
        super().__init__(f"the graph does not conform to the shapes: {len(report.violations)} violation(s)")


def published_graph(settings: Settings) -> Graph:
    """The graph the server publishes, loaded once through the loader and validated as `validate` does."""
    from mitigraph.loader import load_project, load_shapes
    from mitigraph.validation import validate_graph

    loaded = load_project(base=settings.base, graph_files=settings.graph_files)
    if settings.validate:
        report = validate_graph(loaded.graph, shapes=load_shapes(), origins=loaded, base=settings.base)
        if not report.conforms:
            raise GraphInvalid(report, loaded=loaded)
    return loaded.graph


@contextmanager
def served_store_dir(settings: Settings) -> Iterator[Path]:
    """The on-disk store the server reads: `settings.store_dir` when given, else a temporary one.

    A temporary store holds the validated published graph (and its site cache) and is removed when the
    context ends, so a stopped server leaves nothing behind. The rdflib graph is not kept while serving.
    """
    if settings.store_dir is not None:
        open_read_only(settings.store_dir)  # fail now, with a clear message, not in every web worker
        yield settings.store_dir
        return
    with tempfile.TemporaryDirectory(prefix="mitigraph-store-") as parent:
        yield disk_store(published_graph(settings), Path(parent) / "store", base=settings.base)


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

    def select(self, query: str, **bindings: Term) -> list[dict[str, Term]]:
        """Rows of a SELECT query as dicts of variable name -> term (unbound variables are left out).

        `bindings` substitute variables before evaluation, e.g. `select(q, entity=NamedNode(iri))`;
        Oxigraph asks that a substituted variable appear in the projection (`SELECT *` does).
        """
        solutions = self._store.query(self._prologue + query, substitutions=_substitutions(bindings))
        assert isinstance(solutions, QuerySolutions), "select() takes SELECT queries"
        names = [variable.value for variable in solutions.variables]
        return [
            {name: solution[name] for name in names if solution[name] is not None} for solution in solutions
        ]

    def ask(self, query: str, **bindings: Term) -> bool:
        return bool(self._store.query(self._prologue + query, substitutions=_substitutions(bindings)))

    def triples_about(self, subject: NamedNode) -> list[tuple[NamedNode, Term]]:
        return [
            (quad.predicate, cast(Term, quad.object))
            for quad in self._store.quads_for_pattern(subject, None, None)
        ]

    @property
    def store(self) -> Store:
        return self._store


def _substitutions(bindings: Mapping[str, Term]) -> dict[Variable, Term | Triple] | None:
    return {Variable(name): value for name, value in bindings.items()} or None


def as_mapping(row: Mapping[str, Term]) -> dict[str, str]:
    """Plain string values of a row (IRIs and literal lexical forms), for templates."""
    return {name: term.value for name, term in row.items()}
