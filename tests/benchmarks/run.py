"""Benchmark Mitigraph against the Oxigraph server and rdflib-endpoint on the same data and queries.

    python -m tests.benchmarks.run                 (from the repository root: N = 2,000 and 100,000)
    python -m tests.benchmarks.run --sizes 2000    (the quick run)

For each size: generate a synthetic graph (`mitigraph generate`), load it with Mitigraph's loader, write
the on-disk store and its site as `build --store` does, time the example queries in process (pyoxigraph vs
rdflib) and SHACL validation, then start each server on a free loopback port and measure time to the first
answered query (the one-record lookup), requests/s and p50/p99 at each concurrency, pages, peak memory, and
a py-spy profile of Mitigraph answering the lookup (tests.benchmarks.profiling). Mitigraph is measured in
its default configuration (`serve --store DIR`, no other option); `--variant` adds columns with other
options. Prints Markdown tables with ratios, the machine and the date, and last the targets
(tests.benchmarks.targets) with whether each holds and the profile; `--update-readme` copies those two
into the README. Every load is bounded in time and count (from N = LARGE, more tightly).
"""

from __future__ import annotations

import dataclasses
import logging
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.loader import LoadedGraph, ontology_files, reference_data_files
from mitigraph.namespaces import DEFAULT_BASE
from mitigraph.site import write_store
from mitigraph.synthetic import generate
from tests.benchmarks.list_pages import LIST_PAGE_PATHS
from tests.benchmarks.loadgen import HttpRequest, LoadResult, run_load
from tests.benchmarks.measures import (
    load_graph,
    oxigraph_query,
    rdflib_graph_of,
    rdflib_query,
    time_pyshacl,
    time_pyshacl_turbo,
    time_repeatedly,
)
from tests.benchmarks.options import Options, parse_options
from tests.benchmarks.profiling import record, render_profiles
from tests.benchmarks.readme_table import readme_block, update_readme
from tests.benchmarks.rendering import machine_header, render
from tests.benchmarks.results import (
    LARGE,
    LOOKUP_LABEL,
    MITIGRAPH,
    MITIGRAPH_GRAPH,
    OXIGRAPH_DISK,
    HttpCell,
    SizeReport,
    Start,
)
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
from tests.benchmarks.targets import render_targets
from tests.support.library_logs import quiet_library_logging

LARGE_SIZE_CELL_REQUESTS = 500
"""Requests a load cell sends at most from N = LARGE on (the time bound still applies)."""
LARGE_SIZE_SIDE_TIMEOUT = 30.0
"""From N = LARGE, seconds a request to the on-disk Oxigraph server may take (its heaviest queries take
minutes at concurrency 8); it is measured at concurrency 1 only there. The servers the targets compare keep
the full --request-timeout."""


# ---------------------------------------------------------------- one size


def benchmark_size(size: int, *, queries: Sequence[ExampleQuery], options: Options, work: Path) -> SizeReport:
    report = SizeReport(size=size)
    synthetic = work / f"synthetic-{size}.nt"
    began = time.perf_counter()
    generated = generate(synthetic, mitigations=size, seed=options.seed)
    report.setup["generate (s)"] = time.perf_counter() - began
    files = [*ontology_files(), *reference_data_files(), synthetic]
    loaded, report.setup["load the files (s)"] = load_graph(files)
    report.triples = len(loaded.store)
    progress(f"N={size}: {generated.mitigations} mitigations, {report.triples} triples in the served graph")
    began = time.perf_counter()
    store_dir = work / f"store-{size}"
    write_store(loaded.store, store_dir, base=DEFAULT_BASE)
    report.setup["write the on-disk store and its site (s)"] = time.perf_counter() - began
    if not options.http_only:
        measure_in_process(report, loaded, queries=queries, options=options)
        measure_validation(report, loaded, options=options)
    del loaded
    if size >= LARGE:
        bounded = min(options.max_requests, LARGE_SIZE_CELL_REQUESTS)
        options = dataclasses.replace(options, max_requests=bounded)
    for plan, plan_options in server_plans(report, files, store_dir, options=options):
        measure_server(report, plan, queries=queries, options=plan_options, work=work)
    if size <= options.graph_start_max_size:
        measure_start_only(report, mitigraph_from_files(files), work=work)
    else:
        report.notes.append(f"{MITIGRAPH_GRAPH} not timed above N={options.graph_start_max_size:,} "
                            "(--graph-start-max-size)")  # fmt: skip
    return report


def server_plans(
    report: SizeReport, files: Sequence[Path], store_dir: Path, *, options: Options
) -> list[tuple[ServerPlan, Options]]:
    """The servers to load at this size, each with the options bounding its load."""
    plans = [(mitigraph_from_store(store_dir), options)]
    plans += [(mitigraph_from_store(store_dir, options=shlex.split(v)), options) for v in options.variants]
    plans.append((oxigraph_in_memory(files), options))
    on_disk = options
    if report.size >= LARGE:
        timeout = min(options.request_timeout, LARGE_SIZE_SIDE_TIMEOUT)
        on_disk = dataclasses.replace(options, concurrency=options.concurrency[:1], request_timeout=timeout)
        report.notes.append(f"{OXIGRAPH_DISK} measured at c={on_disk.concurrency[0]} only, each request "
                            f"waiting at most {timeout:g} s, from N={LARGE:,}")  # fmt: skip
    plans.append((oxigraph_read_only(store_dir), on_disk))
    if report.size <= options.rdflib_max_size:
        plans.append((rdflib_endpoint(files), options))
    else:
        report.notes.append(
            f"rdflib-endpoint not run above N={options.rdflib_max_size:,} (--rdflib-max-size)"
        )
    return plans


def measure_in_process(
    report: SizeReport, loaded: LoadedGraph, *, queries: Sequence[ExampleQuery], options: Options
) -> None:
    """Each query against the loader's in-memory store, and against rdflib's graph up to --rdflib-max-size."""
    graph = None
    if report.size <= options.rdflib_max_size:
        graph, report.setup["rdflib graph from the loaded store (s)"] = rdflib_graph_of(loaded)
    for example in queries:
        progress(f"N={report.size}: in-process {example.label}")
        ox = time_repeatedly(oxigraph_query(loaded.store, example.query), max_runs=200, max_seconds=3)
        report.in_process[example.label] = {"pyoxigraph": ox}
        if graph is not None:
            rd = time_repeatedly(rdflib_query(graph, example.query), max_runs=20, max_seconds=10)
            report.in_process[example.label]["rdflib"] = rd


def measure_validation(report: SizeReport, loaded: LoadedGraph, *, options: Options) -> None:
    progress(f"N={report.size}: validation")
    if report.size <= options.pyshacl_max_size:
        report.validation.append(time_pyshacl(loaded))
    else:
        report.notes.append(f"pySHACL not run above N={options.pyshacl_max_size:,} (--pyshacl-max-size): "
                            "only pyshacl-turbo, the engine `build` and `serve` use")  # fmt: skip
    turbo = time_pyshacl_turbo(loaded)
    if turbo is not None:
        report.validation.append(turbo)


def measure_server(
    report: SizeReport, plan: ServerPlan, *, queries: Sequence[ExampleQuery], options: Options, work: Path
) -> None:
    progress(f"N={report.size}: starting {plan.name}")
    try:
        with running(plan, first_query=lookup_query().query, log_dir=work) as server:
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
                profile_lookup(report, server, options=options)
            record_start(report, server)
    except ServerFailed as error:
        report.notes.append(f"{plan.name} failed: {error}")


def profile_lookup(report: SizeReport, server: RunningServer, *, options: Options) -> None:
    """Where the server's time goes while it answers the one-record lookup at concurrency 1."""
    if options.profile_seconds <= 0:
        return
    progress(f"N={report.size}: profiling {server.name} (lookup, c=1, {options.profile_seconds:g} s)")
    request = sparql_request(server.query_url, lookup_query())

    def load(seconds: float) -> LoadResult:
        return run_load(
            request, concurrency=1, seconds=seconds, max_requests=10**9,
            request_timeout=options.request_timeout,
        )  # fmt: skip

    report.profile = record(server.process.pid, seconds=options.profile_seconds, load=load)
    if report.profile.missing:
        print(
            f"[benchmark] N={report.size}: no profile: {report.profile.missing}", file=sys.stderr, flush=True
        )


def measure_start_only(report: SizeReport, plan: ServerPlan, *, work: Path) -> None:
    progress(f"N={report.size}: start-up of {plan.name}")
    try:
        with running(plan, first_query=lookup_query().query, log_dir=work) as server:
            record_start(report, server)
    except ServerFailed as error:
        report.notes.append(f"{plan.name} failed: {error}")


def record_start(report: SizeReport, server: RunningServer) -> None:
    """How long the server took to answer and to settle, and its peak memory so far."""
    report.starts[server.name] = Start(
        first_answer=server.start_to_first_answer,
        settled=server.start_to_settled,
        peak_bytes=server.memory.peak_bytes,
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


def progress(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- command line


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
    options = parse_options(argv, description=__doc__)
    stop_on_sigterm()
    logging.basicConfig(level=logging.WARNING, format="[%(name)s] %(levelname)s %(message)s", force=True)
    quiet_library_logging()
    queries = selected_queries(options.queries)
    if not queries:
        print("no example query matches --queries", file=sys.stderr)
        return 2
    work = scratch_dir()
    machine = machine_header()
    print(machine, flush=True)
    reports: list[SizeReport] = []
    try:
        for size in options.sizes:
            reports.append(benchmark_size(size, queries=queries, options=options, work=work))
            print("\n" + render(reports[-1], options=options), flush=True)
        block = readme_block(machine, render_targets(reports), render_profiles(reports))
        print("\n### Targets\n\n" + block, flush=True)
        if options.update_readme:
            update_readme(block)
            progress("updated the benchmark block of README.md")
    finally:
        if options.keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
