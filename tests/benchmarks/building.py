"""Benchmark what an operator runs to publish a large graph: `mitigraph build --store` and every `export`.

    python -m tests.benchmarks.building --sizes 2000,100000

For each size: generate a synthetic graph, then run the real commands as a user would (the ontology,
taxonomy and facet files with the generated file as `--graph`), each in its own process, timing its wall
clock and reading its peak resident memory from the kernel (wait4). Prints a Markdown table with each
target and whether it holds, the stage timings `build` printed, the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mitigraph.formats import formats_for
from mitigraph.loader import ontology_files, reference_data_files
from mitigraph.synthetic import generate

MITIGRAPH = str(Path(sys.executable).with_name("mitigraph"))
MIB = 1024 * 1024
BUILD_SECONDS = {2_000: 5.0, 100_000: 90.0}
"""Wall-clock targets of `build --store` by size (issue 14); sizes not listed have none."""
BUILD_PEAK_BYTES = 2 * 1024 * MIB
EXPORT_SECONDS = {100_000: 20.0}
RUN_TIMEOUT = 900.0
"""No single command may take longer than this (a runaway is stopped and reported)."""


@dataclass(frozen=True)
class Run:
    what: str
    seconds: float
    peak_bytes: int
    output: str


def run(arguments: list[str], *, what: str) -> Run:
    """One command in its own process: wall time and peak RSS (ru_maxrss of that child only)."""
    started = time.monotonic()
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = started + RUN_TIMEOUT
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.monotonic() - started
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{what} exited {process.returncode}:\n{output}")
    return Run(what=what, seconds=seconds, peak_bytes=usage.ru_maxrss * 1024, output=output)


def graph_arguments(generated: Path) -> list[str]:
    files = [*ontology_files(), *reference_data_files(), generated]
    return [argument for path in files for argument in ("--graph", str(path))]


def measure(size: int, workspace: Path, *, seed: int) -> list[tuple[Run, float | None, int | None]]:
    """(run, its time target, its memory target) for build --store and each export at one size."""
    generated = workspace / f"synthetic-{size}.nt"
    generate(generated, mitigations=size, seed=seed)
    graph = graph_arguments(generated)
    runs: list[tuple[Run, float | None, int | None]] = []
    build = run(
        [MITIGRAPH, "build", *graph, "--out", str(workspace / "out"), "--store", str(workspace / "store")],
        what="build --store",
    )
    runs.append((build, BUILD_SECONDS.get(size), BUILD_PEAK_BYTES))
    for fmt in formats_for("export"):
        exported = run(
            [MITIGRAPH, "export", *graph, "--format", fmt.name, "--output", str(workspace / fmt.file_name)],
            what=f"export --format {fmt.name}",
        )
        runs.append((exported, EXPORT_SECONDS.get(size), None))
    return runs


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return "-"
    return "holds" if value <= target else f"misses by {value - target:.1f}"


def report(size: int, runs: list[tuple[Run, float | None, int | None]]) -> str:
    lines = [
        f"### Build and export, N={size:,}",
        "",
        "| command | wall (s) | target (s) | | peak RSS (MiB) | target (MiB) | |",
        "|---|---|---|---|---|---|---|",
    ]
    for measured, seconds, peak in runs:
        time_verdict = verdict(measured.seconds, seconds)
        memory_verdict = verdict(measured.peak_bytes / MIB, peak / MIB if peak else None)
        lines.append(
            f"| `{measured.what}` | {measured.seconds:.1f} | {seconds or '-'} | {time_verdict} "
            f"| {measured.peak_bytes / MIB:.0f} | {peak // MIB if peak else '-'} | {memory_verdict} |"
        )
    stages = next((line for line in runs[0][0].output.splitlines() if line.startswith("Stages:")), "")
    return "\n".join([*lines, "", f"`build` at N={size:,}: {stages}", ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="2000,100000", help="comma-separated numbers of mitigations")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args(argv)
    sizes = [int(size) for size in arguments.sizes.split(",") if size]
    print(f"Build and export benchmark, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} CPUs")
    for size in sizes:
        workspace = Path(tempfile.mkdtemp(prefix=f"mitigraph-build-{size}-"))
        try:
            print(report(size, measure(size, workspace, seed=arguments.seed)), flush=True)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
