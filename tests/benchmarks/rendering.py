"""The per-size Markdown tables of a benchmark run: setup steps, in-process query latency, validation,
SPARQL over HTTP with ratios, start-up and memory of each server, and Mitigraph's pages."""

from __future__ import annotations

import datetime
import os
import platform
from collections.abc import Sequence

import psutil

from tests.benchmarks.loadgen import LoadResult
from tests.benchmarks.options import Options
from tests.benchmarks.results import MIB, MITIGRAPH, OXIGRAPH, OXIGRAPH_DISK, RDFLIB, SizeReport


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f}"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "n/a"
    value = numerator / denominator
    return f"{value:.2f}x" if value < 100 else f"{value:.0f}x"


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
    if report.http:
        parts.append(render_http(report, options=options))
    if report.starts:
        parts.append(render_starts(report))
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
    """One row per query and concurrency: each server's rate and latency, then Mitigraph's ratios (every
    Mitigraph column against the Oxigraph server; the default one also against the others)."""
    cells = {(cell.server, cell.query, cell.result.concurrency): cell.result for cell in report.http}
    servers = list(dict.fromkeys(cell.server for cell in report.http))
    mitigraphs = [name for name in servers if name.startswith("Mitigraph")]
    others = [name for name in (OXIGRAPH_DISK, RDFLIB) if name in servers]
    header = ["query", "c", *(f"{name} req/s (p50 / p99 ms)" for name in servers)]
    header += [f"{name} / Oxigraph req/s" for name in mitigraphs]
    header += ["p50 Mitigraph / Oxigraph", *(f"Mitigraph / {name} req/s" for name in others)]
    rows = []
    for label in dict.fromkeys(cell.query for cell in report.http):
        for concurrency in options.concurrency:
            results = {name: cells.get((name, label, concurrency)) for name in servers}
            row = [label, str(concurrency)]
            row += [describe(result) if result else "n/a" for result in results.values()]
            oxigraph, mitigraph = results.get(OXIGRAPH), results.get(MITIGRAPH)
            row += [ratio(rate(results[name]), rate(oxigraph)) for name in mitigraphs]
            row.append(ratio(mitigraph.p50 if mitigraph else None, oxigraph.p50 if oxigraph else None))
            row += [ratio(rate(mitigraph), rate(results[name])) for name in others]
            rows.append(row)
    bounds = (
        f"each cell: at most {options.seconds:g} s or {options.max_requests} requests, keep-alive clients"
    )
    return f"SPARQL over HTTP ({bounds}):\n\n" + table(header, rows)


def render_starts(report: SizeReport) -> str:
    header = [
        "server",
        "start to first answered query (s)",
        "start to settled (s)",
        "peak RSS of the tree (MiB)",
    ]
    rows = [
        [name, f"{start.first_answer:.2f}", f"{start.settled:.2f}", f"{start.peak_bytes / MIB:,.0f}"]
        for name, start in report.starts.items()
    ]
    return "Start-up (to the first answered one-record lookup) and peak memory:\n\n" + table(header, rows)


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
