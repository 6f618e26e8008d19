"""In-process measurements: loading, query latency in pyoxigraph and rdflib, SHACL validation time."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store
from rdflib import Graph, URIRef

from mitigraph.loader import LoadedGraph, load_files, load_shapes
from mitigraph.validation import ShapesError, validate_graph
from tests.benchmarks.loadgen import percentile


@dataclass(frozen=True)
class Timed:
    seconds: float
    runs: int
    median: float | None
    p99: float | None
    note: str = ""


def time_repeatedly(action: Callable[[], object], *, max_runs: int, max_seconds: float) -> Timed:
    """Run `action` until `max_runs` runs or `max_seconds` have passed (at least once)."""
    latencies: list[float] = []
    started = time.perf_counter()
    while len(latencies) < max_runs and (not latencies or time.perf_counter() - started < max_seconds):
        began = time.perf_counter()
        action()
        latencies.append(time.perf_counter() - began)
    return Timed(
        seconds=time.perf_counter() - started,
        runs=len(latencies),
        median=percentile(latencies, 50),
        p99=percentile(latencies, 99),
    )


def oxigraph_query(store: Store, query: str) -> Callable[[], object]:
    """Evaluate and serialise (as an endpoint must), JSON for solutions and N-Triples for graphs."""

    def run() -> object:
        results = store.query(query)
        if isinstance(results, QueryTriples):
            return results.serialize(format=RdfFormat.N_TRIPLES)
        return results.serialize(format=QueryResultsFormat.JSON)

    return run


def rdflib_query(graph: Graph, query: str) -> Callable[[], object]:
    def run() -> object:
        result = graph.query(query)
        return result.serialize(format="nt" if result.type in ("CONSTRUCT", "DESCRIBE") else "json")

    return run


# ---------------------------------------------------------------- validation


@dataclass(frozen=True)
class ValidationTiming:
    engine: str
    seconds: float
    conforms: bool
    results: frozenset[tuple[str, str, str, str]]
    """(focus node, path, severity, source shape) of every result: what two engines must agree on."""


def time_validation(loaded: LoadedGraph, *, engine: str) -> ValidationTiming:
    """Mitigraph's own validation (validate_graph) on one engine, as `serve` and `build` run it: over the
    loader's store, which pySHACL reads as the loader's rdflib graph and pyshacl-turbo as Turtle.

    The benchmark graph already holds the ontology, so none is mixed in (that would copy the graph).
    """
    shapes = load_shapes()
    began = time.perf_counter()
    report = validate_graph(loaded.store, shapes=shapes, origins=loaded, engine=engine)
    seconds = time.perf_counter() - began
    keys = frozenset(
        (str(r.focus_node), "", r.severity, str(r.shape) if isinstance(r.shape, URIRef) else "_:blank")
        for r in report.results
    )
    return ValidationTiming(engine=engine, seconds=seconds, conforms=report.conforms, results=keys)


def time_pyshacl(loaded: LoadedGraph) -> ValidationTiming:
    """pySHACL, the reference engine."""
    return time_validation(loaded, engine="pyshacl")


def time_pyshacl_turbo(loaded: LoadedGraph) -> ValidationTiming | None:
    """pyshacl-turbo, the engine Mitigraph uses when installed (a dependency, so normally present)."""
    try:
        return time_validation(loaded, engine="pyshacl-turbo")
    except ShapesError:
        return None


def load_graph(files: Sequence[Path]) -> tuple[LoadedGraph, float]:
    """The files merged into one in-memory store by Mitigraph's loader, and how long that took."""
    began = time.perf_counter()
    loaded = load_files(files)
    return loaded, time.perf_counter() - began


def rdflib_graph_of(loaded: LoadedGraph) -> tuple[Graph, float]:
    """The loaded triples as an rdflib graph (for rdflib's engine and pySHACL), and how long that took."""
    began = time.perf_counter()
    graph = loaded.graph
    return graph, time.perf_counter() - began
