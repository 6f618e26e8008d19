"""In-process measurements: loading, query latency in pyoxigraph and rdflib, SHACL validation time."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from loadgen import percentile
from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from mitigraph.loader import load_files, load_shapes, ontology_files
from mitigraph.store import memory_store
from mitigraph.validation import validate_graph


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


def oxigraph_store_from(graph: Graph) -> tuple[Store, float]:
    """The in-memory store Mitigraph builds from a loaded graph, and how long the bulk load took."""
    began = time.perf_counter()
    store = memory_store(graph)
    return store, time.perf_counter() - began


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


def _result_keys(report_graph: Graph) -> frozenset[tuple[str, str, str, str]]:
    keys = set()
    for result in report_graph.subjects(predicate=SH.focusNode):
        values = [
            report_graph.value(result, predicate)
            for predicate in (SH.focusNode, SH.resultPath, SH.resultSeverity, SH.sourceShape)
        ]
        keys.add(tuple(_key_text(value) for value in values))
    return frozenset(keys)  # type: ignore[arg-type]


def _key_text(value: object) -> str:
    if isinstance(value, URIRef | Literal):
        return str(value)
    return "" if value is None else "_:blank"


def time_pyshacl(graph: Graph) -> ValidationTiming:
    """Mitigraph's own validation (validate_graph, which runs pySHACL), as `serve` and `build` run it."""
    shapes, ontology = load_shapes(), load_files(ontology_files()).graph
    began = time.perf_counter()
    report = validate_graph(graph, shapes=shapes, ontology=ontology)
    seconds = time.perf_counter() - began
    keys = frozenset(
        (str(r.focus_node), "", r.severity, str(r.shape) if isinstance(r.shape, URIRef) else "_:blank")
        for r in report.results
    )
    return ValidationTiming(engine="pySHACL", seconds=seconds, conforms=report.conforms, results=keys)


def time_pyshacl_turbo(graph: Graph) -> ValidationTiming | None:
    """pyshacl-turbo through its pySHACL-compatible `validate`, with the options validate_graph uses."""
    try:
        import pyshacl_turbo
    except ImportError:
        return None
    shapes, ontology = load_shapes(), load_files(ontology_files()).graph
    began = time.perf_counter()
    conforms, report_graph, _ = pyshacl_turbo.validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False,
        allow_infos=True, allow_warnings=True, advanced=False, js=False, inplace=False,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    keys = frozenset(
        (focus, "", severity.rsplit("#", 1)[-1], shape)
        for focus, _, severity, shape in _result_keys(report_graph)
    )
    return ValidationTiming(engine="pyshacl-turbo", seconds=seconds, conforms=bool(conforms), results=keys)


def load_rdflib(files: Sequence[Path]) -> tuple[Graph, float]:
    began = time.perf_counter()
    graph = load_files(files).graph
    return graph, time.perf_counter() - began
