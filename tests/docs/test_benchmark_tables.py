"""The README's benchmark block is what the runner renders: the targets with their margins, the profile of
the request path summarised by stage, and the copy of both between the README's markers.

Fast, on made-up figures: the benchmark itself (`make benchmark`) is not part of the test run, but what it
writes into the README is checked here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.benchmarks.loadgen import LoadResult
from tests.benchmarks.profiling import (
    EVALUATION,
    HANDLER,
    HTTP,
    OTHER,
    PIPE,
    QUERY_PROCESSES,
    UPKEEP,
    WAITING,
    WEB_WORKERS,
    Profile,
    py_spy,
    raw_stacks,
    record,
    render_profiles,
    stage_of,
    summarise,
)
from tests.benchmarks.readme_table import (
    END_MARKER,
    START_MARKER,
    MarkersMissing,
    readme_block,
    update_readme,
)
from tests.benchmarks.results import MIB, MITIGRAPH, MITIGRAPH_GRAPH, OXIGRAPH, HttpCell, SizeReport, Start
from tests.benchmarks.targets import render_targets, target_rows

WEB_WORKER = (
    'process 10:"python3 .venv/bin/mitigraph serve --store s";'
    'process 11:"python3 -B -c from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=9)";'
    "Runner.run (asyncio/runners.py);"
    "RequestResponseCycle.run_asgi (uvicorn/protocols/http/httptools_impl.py);"
    "Starlette.__call__ (starlette/applications.py);SparqlEndpoint.__call__ (mitigraph/web/sparql.py)"
)
QUERY_PROCESS = (
    'process 10:"python3 .venv/bin/mitigraph serve";process 12:"python3 -c spawn_main(); x";'
    "Thread.run (threading.py);_answer_jobs (mitigraph/query_process.py)"
)
RAW = "\n".join([
    WEB_WORKER + ";request_from_post (mitigraph/web/sparql_request.py);parse_qsl (urllib/parse.py) 7",
    WEB_WORKER + ";Response.__call__ (starlette/responses.py);"
    "send (uvicorn/protocols/http/httptools_impl.py) 3",
    QUERY_PROCESS + ";answer (mitigraph/query_process.py);dumps (json/__init__.py) 5",
    QUERY_PROCESS + ";_ConnectionBase.recv (multiprocessing/connection.py) 4",
    'process 10:"mitigraph serve";Process.pong (uvicorn/supervisors/multiprocess.py);'
    "_ConnectionBase.recv (multiprocessing/connection.py) 2",
    'process 10:"mitigraph serve";wait (multiprocessing/connection.py);'
    "_PollLikeSelector.select (selectors.py) 1",
    "<module> (somewhere.py) 1",
    "",
])  # fmt: skip


def frames(line: str) -> list[str]:
    return next(raw_stacks(line))[0]


def test_a_sample_goes_to_the_stage_of_its_deepest_named_frame() -> None:
    assert stage_of(frames(RAW.splitlines()[0])) == HANDLER  # urllib below the handler
    assert stage_of(frames(RAW.splitlines()[1])) == HTTP  # uvicorn writes what starlette sends
    assert stage_of(frames(RAW.splitlines()[2])) == EVALUATION
    assert stage_of(frames(RAW.splitlines()[3])) == PIPE
    assert stage_of(frames(RAW.splitlines()[4])) == UPKEEP  # the supervisor's pipe is not the query pipe
    assert stage_of(frames(RAW.splitlines()[5])) == WAITING
    assert stage_of(frames(RAW.splitlines()[6])) == OTHER


def test_process_frames_are_dropped_even_when_their_command_line_holds_a_semicolon() -> None:
    stack = frames(RAW.splitlines()[0])
    assert stack[0] == "Runner.run (asyncio/runners.py)"
    assert not any("spawn_main" in frame or frame.startswith("process ") for frame in stack)


def test_samples_are_summed_by_stage_with_every_stage_listed() -> None:
    samples = summarise(RAW)
    assert samples[HANDLER] == 7 and samples[HTTP] == 3 and samples[EVALUATION] == 5 and samples[PIPE] == 4
    assert samples[UPKEEP] == 2 and samples[WAITING] == 1 and samples[OTHER] == 1
    assert sum(samples.values()) == 23


def test_the_profile_table_gives_shares_by_size_and_says_why_a_size_has_none() -> None:
    taken = SizeReport(size=2000)
    taken.profile = Profile(
        seconds=5, samples=summarise(RAW), answered=1000,
        cpu_seconds={WEB_WORKERS: 0.6, QUERY_PROCESSES: 0.2},
    )  # fmt: skip
    refused = SizeReport(size=100_000)
    refused.profile = Profile(missing="py-spy exited with status 1: Error: Operation not permitted")
    text = render_profiles([taken, refused])
    assert "| stage | N = 2,000 |" in text
    assert f"| {HANDLER} | 30% |" in text
    assert "| samples | 23 |" in text
    assert "5 s at 100 Hz while it answered 1,000 lookups (200/s)" in text
    assert "web workers 0.60 ms, query processes 0.20 ms" in text
    assert "- N = 100,000: no profile: py-spy exited with status 1: Error: Operation not permitted." in text
    assert render_profiles([SizeReport(size=2000)]) == ""


def test_a_missing_profiler_is_a_reason_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.benchmarks.profiling.py_spy", lambda: None)
    profile = record(os.getpid(), seconds=1, load=lambda seconds: pytest.fail("no load without a profiler"))
    assert profile.missing.startswith("py-spy is not installed")


def test_a_recording_of_a_real_process_is_summarised_or_says_why_not() -> None:
    """py-spy against a busy Python child for one second: samples by stage, or (py-spy absent, ptrace
    refused) the reason, never an exception."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: sum(range(1000))"])
    try:
        profile = record(busy.pid, seconds=1, load=lambda seconds: LoadResult(1, (0.1,) * 10, 0, seconds))
    finally:
        busy.kill()
        busy.wait()
    if py_spy() is None:
        assert profile.missing.startswith("py-spy is not installed")
    elif profile.missing:
        assert profile.missing.startswith("py-spy exited with status")
    else:
        assert profile.total > 0 and profile.samples[OTHER] == profile.total
        assert profile.answered == 10 and profile.seconds == 1


# ---------------------------------------------------------------- targets


def cell(server: str, query: str, concurrency: int, rate: float) -> HttpCell:
    latencies = tuple([0.001] * int(rate))
    return HttpCell(
        server, query, LoadResult(concurrency=concurrency, latencies=latencies, failures=0, elapsed=1.0)
    )


def report_with_ratios(size: int, ratios: dict[str, float]) -> SizeReport:
    report = SizeReport(size=size)
    for query, value in ratios.items():
        for concurrency in (1, 8):
            report.http.append(cell(OXIGRAPH, query, concurrency, 100))
            report.http.append(cell(MITIGRAPH, query, concurrency, 100 * value))
    return report


def test_the_throughput_row_says_how_far_the_worst_cell_is_and_names_only_the_worst_few() -> None:
    report = report_with_ratios(2000, {"a": 0.62, "b": 0.7, "c": 0.95, "lookup": 0.5})
    report.starts[MITIGRAPH_GRAPH] = Start(first_answer=4.4, settled=5.0, peak_bytes=600 * MIB)
    throughput, graph_start = target_rows(report)
    assert not throughput.holds
    assert throughput.measured.startswith("2 of 8 cells hold (0.50x-0.95x); worst 0.50x, 44% short; below: ")
    assert "lookup c=1 0.50x, lookup c=8 0.50x, a c=1 0.62x, +3 more" in throughput.measured
    assert "0.9x Oxigraph server" in throughput.target
    assert (graph_start.measured, graph_start.holds) == ("4.40 s, 1.40 s over", False)


def test_the_large_size_has_its_own_ratio_memory_and_store_start_rows() -> None:
    report = report_with_ratios(100_000, {"a": 0.85, "lookup": 0.81})
    report.starts[MITIGRAPH] = Start(first_answer=0.8, settled=2.0, peak_bytes=1700 * MIB)
    rows = {row.target.split(" ")[0]: row for row in target_rows(report)}
    assert rows["SPARQL"].holds and "0.8x" in rows["SPARQL"].target
    assert rows["SPARQL"].measured == "4 of 4 cells hold (0.81x-0.85x)"
    assert (rows["peak"].measured, rows["peak"].holds) == ("1,700 MiB, 164 MiB over", False)
    assert "< 1,536 MiB" in rows["peak"].target
    assert (rows["`serve"].measured, rows["`serve"].holds) == ("0.80 s", True)
    assert "--store" in rows["`serve"].target


def test_a_target_without_its_figure_is_a_miss_that_says_why() -> None:
    report = SizeReport(size=100_000)
    report.notes.append(f"{MITIGRAPH} failed: no answer within 600 s\n--- log ---\nTraceback ...")
    rows = target_rows(report)
    assert [row.holds for row in rows] == [False, False, False]
    assert all(row.measured == f"not measured ({MITIGRAPH} failed: no answer within 600 s)" for row in rows)
    table = render_targets([report])
    assert table.splitlines()[0] == "| N | target | measured | holds? |"
    assert table.endswith("0 of 3 targets hold in this run.")


# ---------------------------------------------------------------- the README block


def test_the_block_between_the_markers_replaces_the_readmes_and_nothing_else(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nBefore.\n\n{START_MARKER}\n\nold table\n\n{END_MARKER}\n\nAfter.\n")
    block = readme_block("| N | target |\n|---|---|", "", "Where the time goes:\n\n| stage |")
    update_readme(f"Machine: ...\n\n### Targets\n\n{block}\n", readme=readme)
    text = readme.read_text()
    assert text == f"# Title\n\nBefore.\n\n{block}\n\nAfter.\n"
    assert "old table" not in text and "Where the time goes:" in text
    with pytest.raises(MarkersMissing):
        update_readme("no block here", readme=readme)
