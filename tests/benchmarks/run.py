"""Benchmark Mitigraph against the Oxigraph server and rdflib-endpoint on the same data and queries.

    python -m tests.benchmarks.run                 (from the repository root: N = 2,000 and 100,000)
    python -m tests.benchmarks.run --sizes 2000    (the quick run)

For each size: generate a synthetic graph (`mitigraph generate`), load it, time the example queries in
process (pyoxigraph vs rdflib), time SHACL validation, then start each server on a free loopback port and
measure time to first answered query, requests/s and p50/p99 at each concurrency, pages, and peak memory.
Prints Markdown tables with ratios, the machine and the date, and last the targets (tests.benchmarks.targets)
with whether each holds; `--update-readme` copies that table into the README. Every load is bounded in time
and count (above LARGE_SIZE_CELL_REQUESTS, more tightly).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import logging
import os
import platform
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.loader import ontology_files, reference_data_files
from mitigraph.namespaces import DEFAULT_BASE
from mitigraph.site import write_store
from mitigraph.synthetic import generate
from tests.benchmarks.list_pages import LIST_PAGE_PATHS
from tests.benchmarks.loadgen import HttpRequest, LoadResult, run_load
from tests.benchmarks.measures import (
    Timed,
    ValidationTiming,
    load_rdflib,
    oxigraph_query,
    oxigraph_store_from,
    rdflib_query,
    time_pyshacl,
    time_pyshacl_turbo,
    time_repeatedly,
)
from tests.benchmarks.readme_table import update_readme
from tests.benchmarks.servers import (
    RunningServer,
    ServerFailed,
    ServerPlan,
    mitigraph_from_files,
    mitigraph_from_store,
    oxigraph_in_memory,
    oxigraph_read_only,
    query_request,
    rdflib_endpoint,
    running,
    scratch_dir,
)
from tests.benchmarks.targets import LARGE, render_targets
from tests.support.library_logs import quiet_library_logging

MIB = 1024 * 1024
MITIGRAPH = "Mitigraph (--store)"
OXIGRAPH = "Oxigraph server"
OXIGRAPH_DISK = "Oxigraph server (on-disk store)"
RDFLIB = "rdflib-endpoint"
LOOKUP_LABEL = "One record's properties (lookup)"
LARGE_SIZE_CELL_REQUESTS = 500
"""Requests a load cell sends at most from N = LARGE on (the time bound still applies)."""


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    concurrency: tuple[int, ...]
    seconds: float
    max_requests: int
    request_timeout: float
    rdflib_max_size: int
    pyshacl_max_size: int
    graph_start_max_size: int
    queries: tuple[str, ...]
    workers: int
    query_workers: int
    seed: int
    keep: bool
    http_only: bool
    update_readme: bool


@dataclass
class HttpCell:
    server: str
    query: str
    result: LoadResult


@dataclass
class SizeReport:
    size: int
    triples: int = 0
    setup: dict[str, float] = field(default_factory=dict)
    in_process: dict[str, dict[str, Timed]] = field(default_factory=dict)
    validation: list[ValidationTiming] = field(default_factory=list)
    http: list[HttpCell] = field(default_factory=list)
    starts: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    """server -> (seconds to first answered query, seconds to settled, peak RSS bytes of its process tree)."""
    pages: dict[str, LoadResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- one size


def benchmark_size(size: int, *, queries: Sequence[ExampleQuery], options: Options, work: Path) -> SizeReport:
    report = SizeReport(size=size)
    synthetic = work / f"synthetic-{size}.nt"
    began = time.perf_counter()
    generated = generate(synthetic, mitigations=size, seed=options.seed)
    report.setup["generate (s)"] = time.perf_counter() - began
    files = [*ontology_files(), *reference_data_files(), synthetic]
    graph, report.setup["rdflib load (s)"] = load_rdflib(files)
    report.triples = len(graph)
    progress(f"N={size}: {generated.mitigations} mitigations, {report.triples} triples in the served graph")
    began = time.perf_counter()
    store_dir = work / f"store-{size}"
    write_store(graph, store_dir, base=DEFAULT_BASE)
    report.setup["write on-disk store (s)"] = time.perf_counter() - began
    if not options.http_only:
        measure_in_process(report, graph, queries=queries, options=options)
        measure_validation(report, graph, options=options)
    del graph
    if size >= LARGE:
        bounded = min(options.max_requests, LARGE_SIZE_CELL_REQUESTS)
        options = dataclasses.replace(options, max_requests=bounded)
    plans = [mitigraph_from_store(store_dir, workers=options.workers, query_workers=options.query_workers)]
    plans.append(oxigraph_in_memory(files))
    plans.append(oxigraph_read_only(store_dir))
    if size <= options.rdflib_max_size:
        plans.append(rdflib_endpoint(files))
    else:
        report.notes.append(f"rdflib-endpoint not run above N={options.rdflib_max_size} (--rdflib-max-size)")
    for plan in plans:
        measure_server(report, plan, queries=queries, options=options, work=work)
    if size <= options.graph_start_max_size:
        measure_start_only(
            report, mitigraph_from_files(files, workers=options.workers, query_workers=options.query_workers),
            first_query=queries[0], work=work,
        )  # fmt: skip
    return report


def measure_in_process(
    report: SizeReport, graph: object, *, queries: Sequence[ExampleQuery], options: Options
) -> None:
    from rdflib import Graph

    assert isinstance(graph, Graph)
    store, report.setup["Oxigraph bulk load from rdflib (s)"] = oxigraph_store_from(graph)
    for example in queries:
        progress(f"N={report.size}: in-process {example.label}")
        row = {
            "pyoxigraph": time_repeatedly(oxigraph_query(store, example.query), max_runs=200, max_seconds=3)
        }
        if report.size <= options.rdflib_max_size:
            row["rdflib"] = time_repeatedly(rdflib_query(graph, example.query), max_runs=20, max_seconds=10)
        report.in_process[example.label] = row


def measure_validation(report: SizeReport, graph: object, *, options: Options) -> None:
    from rdflib import Graph

    assert isinstance(graph, Graph)
    progress(f"N={report.size}: validation")
    if report.size <= options.pyshacl_max_size:
        report.validation.append(time_pyshacl(graph))
    else:
        report.notes.append(f"pySHACL not run above N={options.pyshacl_max_size} (--pyshacl-max-size)")
    turbo = time_pyshacl_turbo(graph)
    if turbo is not None:
        report.validation.append(turbo)


def measure_server(
    report: SizeReport, plan: ServerPlan, *, queries: Sequence[ExampleQuery], options: Options, work: Path
) -> None:
    progress(f"N={report.size}: starting {plan.name}")
    try:
        with running(plan, first_query=queries[0].query, log_dir=work) as server:
            for example in queries:
                request = sparql_request(server.query_url, example)
                for concurrency in options.concurrency:
                    progress(f"N={report.size}: {plan.name} {example.label} c={concurrency}")
                    result = run_load(
                        request, concurrency=concurrency, seconds=options.seconds,
                        max_requests=options.max_requests, request_timeout=options.request_timeout,
                    )  # fmt: skip
                    report.http.append(HttpCell(server=plan.name, query=example.label, result=result))
            if plan.name == MITIGRAPH:
                measure_pages(report, server, options=options)
            record_start(report, server)
    except ServerFailed as error:
        report.notes.append(f"{plan.name} failed: {error}")


def measure_start_only(
    report: SizeReport, plan: ServerPlan, *, first_query: ExampleQuery, work: Path
) -> None:
    progress(f"N={report.size}: start-up of {plan.name}")
    try:
        with running(plan, first_query=first_query.query, log_dir=work) as server:
            record_start(report, server)
    except ServerFailed as error:
        report.notes.append(f"{plan.name} failed: {error}")


def record_start(report: SizeReport, server: RunningServer) -> None:
    """How long the server took to answer and to settle, and its peak memory so far."""
    report.starts[server.name] = (
        server.start_to_first_answer,
        server.start_to_settled,
        server.memory.peak_bytes,
    )


def sparql_request(query_url: str, example: ExampleQuery) -> HttpRequest:
    request = query_request(query_url, example.query)
    if example.form == "construct":
        return HttpRequest(method="POST", url=query_url, headers={"Accept": "text/turtle"}, form=request.form)
    return request


PAGE_PATHS = (
    ("home", "/", "text/html"),
    ("mitigation page", "/id/mitigation/syn0000001", "text/html"),
    ("mitigation as Turtle", "/id/mitigation/syn0000001", "text/turtle"),
    ("category page (1.1.3)", "/id/category/1.1.3", "text/html"),
    ("facet value page", "/id/lifecycle-stage/deploy", "text/html"),
    ("limitation page", "/id/limitation/benchmark-saturation-1", "text/html"),
    ("coverage", "/coverage", "text/html"),
    ("search", "/search?q=adversarial", "text/html"),
    *LIST_PAGE_PATHS,
)
"""Pages and entity documents every size has (the synthetic graph always holds these IRIs)."""


def measure_pages(report: SizeReport, server: RunningServer, *, options: Options) -> None:
    for name, path, accept in PAGE_PATHS:
        progress(f"N={report.size}: page {name}")
        request = HttpRequest(method="GET", url=server.root_url + path, headers={"Accept": accept})
        report.pages[f"{name} ({path})"] = run_load(
            request, concurrency=1, seconds=options.seconds, max_requests=options.max_requests,
            request_timeout=options.request_timeout,
        )  # fmt: skip


# ---------------------------------------------------------------- printing


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f}"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "n/a"
    return (
        f"{numerator / denominator:.2f}x"
        if numerator / denominator < 100
        else f"{numerator / denominator:.0f}x"
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(report: SizeReport, *, options: Options) -> str:
    parts = [f"### N = {report.size:,} mitigations ({report.triples:,} triples served)"]
    parts.append(table(["step", "seconds"], [[name, f"{value:.2f}"] for name, value in report.setup.items()]))
    if report.in_process:
        parts.append(render_in_process(report))
    if report.validation:
        parts.append(render_validation(report))
    parts.append(render_http(report, options=options))
    parts.append(
        table(
            [
                "server",
                "start to first answered query (s)",
                "start to settled (s)",
                "peak RSS of the tree (MiB)",
            ],
            [
                [name, f"{first:.2f}", f"{settled:.2f}", f"{rss / MIB:.0f}"]
                for name, (first, settled, rss) in report.starts.items()
            ],
        )
    )
    if report.pages:
        parts.append("Mitigraph pages, concurrency 1, ms:")
        parts.append(
            table(
                ["page", "p50", "p99", "requests", "failures"],
                [
                    [name, ms(r.p50), ms(r.p99), str(len(r.latencies)), str(r.failures)]
                    for name, r in report.pages.items()
                ],
            )
        )
    parts += [f"- {note}" for note in report.notes]
    return "\n\n".join(parts)


def render_in_process(report: SizeReport) -> str:
    rows = []
    for label, row in report.in_process.items():
        ox, rd = row["pyoxigraph"], row.get("rdflib")
        rows.append([
            label,
            f"{ms(ox.median)} / {ms(ox.p99)} ({ox.runs})",
            f"{ms(rd.median)} / {ms(rd.p99)} ({rd.runs})" if rd else "not run",
            ratio(rd.median, ox.median) if rd else "n/a",
        ])  # fmt: skip
    header = ["query", "pyoxigraph", "rdflib", "rdflib / pyoxigraph"]
    return "In-process query latency, ms (median / p99; runs):\n\n" + table(header, rows)


def render_validation(report: SizeReport) -> str:
    rows = [[v.engine, f"{v.seconds:.2f}", str(v.conforms), str(len(v.results))] for v in report.validation]
    text = "SHACL validation (shapes/, no inference):\n\n" + table(
        ["engine", "seconds", "conforms", "results"], rows
    )
    if len(report.validation) == 2:
        first, second = report.validation
        same = first.conforms == second.conforms and first.results == second.results
        text += f"\n\nSame report from both engines (focus node, severity, shape): {'yes' if same else 'NO'}"
    return text


def render_http(report: SizeReport, *, options: Options) -> str:
    cells = {(cell.server, cell.query, cell.result.concurrency): cell.result for cell in report.http}
    servers = [
        name
        for name in (MITIGRAPH, OXIGRAPH, OXIGRAPH_DISK, RDFLIB)
        if any(cell.server == name for cell in report.http)
    ]
    header = ["query", "c", *(f"{name} req/s (p50 / p99 ms)" for name in servers)]
    header += [
        "Mitigraph / Oxigraph req/s",
        "p50 Mitigraph / Oxigraph",
        "Mitigraph / Oxigraph on-disk req/s",
        "Mitigraph / rdflib-endpoint req/s",
    ]
    rows = []
    for label in dict.fromkeys(cell.query for cell in report.http):
        for concurrency in options.concurrency:
            results = {name: cells.get((name, label, concurrency)) for name in servers}
            row = [label, str(concurrency)]
            for name in servers:
                result = results[name]
                row.append(describe(result) if result else "n/a")
            mitigraph, oxigraph, on_disk, rdflib = (
                results.get(name) for name in (MITIGRAPH, OXIGRAPH, OXIGRAPH_DISK, RDFLIB)
            )
            row.append(ratio(rate(mitigraph), rate(oxigraph)))
            row.append(ratio(mitigraph.p50 if mitigraph else None, oxigraph.p50 if oxigraph else None))
            row.append(ratio(rate(mitigraph), rate(on_disk)))
            row.append(ratio(rate(mitigraph), rate(rdflib)))
            rows.append(row)
    bounds = (
        f"each cell: at most {options.seconds:g} s or {options.max_requests} requests, keep-alive clients"
    )
    return f"SPARQL over HTTP ({bounds}):\n\n" + table(header, rows)


def rate(result: LoadResult | None) -> float | None:
    return result.requests_per_second if result else None


def describe(result: LoadResult) -> str:
    text = f"{result.requests_per_second:.1f} ({ms(result.p50)} / {ms(result.p99)})"
    if result.failures:
        text += f" [{result.failures} failed: {result.first_failure}]"
    return text


def machine_header() -> str:
    memory = psutil.virtual_memory().total / 1024**3
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpu = platform.processor() or platform.machine()
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"Machine: {os.cpu_count()} CPUs ({cpu}), {memory:.1f} GiB RAM, {system}. Date: {now}."


def progress(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- command line


def parse_options(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="2000,100000", help="Comma-separated mitigation counts (default 2000,100000)."
    )
    parser.add_argument("--concurrency", default="1,8", help="Comma-separated client concurrencies.")
    parser.add_argument("--seconds", type=float, default=3.0, help="Time bound of one load cell.")
    parser.add_argument("--max-requests", type=int, default=2000, help="Count bound of one load cell.")
    parser.add_argument("--request-timeout", type=float, default=120.0)
    parser.add_argument("--rdflib-max-size", type=int, default=20000, help="Largest N run through rdflib.")
    parser.add_argument(
        "--pyshacl-max-size", type=int, default=2000, help="Largest N validated with pySHACL."
    )
    parser.add_argument(
        "--graph-start-max-size", type=int, default=2000,
        help="Largest N at which `serve --graph` (load + validate at start) is timed.",
    )  # fmt: skip
    parser.add_argument(
        "--queries", default="", help="Comma-separated prefixes of queries/*.ttl names (default all)."
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--query-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the generated files, stores and logs.")
    parser.add_argument(
        "--http-only", action="store_true", help="Skip the in-process and validation timings."
    )
    parser.add_argument(
        "--update-readme", action="store_true", help="Copy the targets table into README.md at the end."
    )
    args = parser.parse_args(argv)
    return Options(
        sizes=tuple(int(size) for size in args.sizes.split(",")),
        concurrency=tuple(int(c) for c in args.concurrency.split(",")),
        seconds=args.seconds,
        max_requests=args.max_requests,
        request_timeout=args.request_timeout,
        rdflib_max_size=args.rdflib_max_size,
        pyshacl_max_size=args.pyshacl_max_size,
        graph_start_max_size=args.graph_start_max_size,
        queries=tuple(prefix for prefix in args.queries.split(",") if prefix),
        workers=args.workers,
        query_workers=args.query_workers,
        seed=args.seed,
        keep=args.keep,
        http_only=args.http_only,
        update_readme=args.update_readme,
    )


def selected_queries(prefixes: Sequence[str]) -> list[ExampleQuery]:
    """The example queries whose file names start with one of `prefixes` (all by default), then the
    one-record lookup, the cheapest query a client sends."""
    examples = example_queries()
    if prefixes:
        examples = [example for example in examples if example.file.stem.startswith(tuple(prefixes))]
    return [*examples, lookup_query()] if examples else []


def lookup_query() -> ExampleQuery:
    """Every property of one mitigation (the synthetic graph always has syn0000001)."""
    iri = f"{DEFAULT_BASE}mitigation/syn0000001"
    return ExampleQuery(
        iri="", label=LOOKUP_LABEL, comment="", keywords=(), form="select",
        query=f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", file=Path("lookup.rq"),
    )  # fmt: skip


def stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so every server this run started is stopped on the way out."""

    def interrupt(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    stop_on_sigterm()
    logging.basicConfig(level=logging.WARNING, format="[%(name)s] %(levelname)s %(message)s", force=True)
    quiet_library_logging()
    queries = selected_queries(options.queries)
    if not queries:
        print("no example query matches --queries", file=sys.stderr)
        return 2
    work = scratch_dir()
    print(machine_header(), flush=True)
    reports: list[SizeReport] = []
    try:
        for size in options.sizes:
            reports.append(benchmark_size(size, queries=queries, options=options, work=work))
            print("\n" + render(reports[-1], options=options), flush=True)
        targets = render_targets(reports)
        print("\n### Targets\n\n" + targets, flush=True)
        if options.update_readme:
            update_readme(targets)
            progress("updated the targets table of README.md")
    finally:
        if options.keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
