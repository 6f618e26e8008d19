"""Where Mitigraph's time goes while it answers: py-spy's stacks of the whole server, summed by stage.

    py-spy record --subprocesses --nonblocking -p PID -f raw --nolineno -r RATE -d SECONDS -o FILE

py-spy samples, RATE times a second, the Python stack of every thread that is running or ready to run
(blocked threads are left out, py-spy's default) in the server and all its descendants: the uvicorn
supervisor, the web workers and their query processes. On a busy 2-core machine a thread woken by a pipe
often waits for a core, and that wait counts under the stage where it was woken. `--nonblocking` reads the
stacks without pausing the server: paused, a query process evaluating in Oxigraph (which releases the GIL)
looked idle to py-spy, and the evaluation stage vanished from the profile.

A sample counts for the stage of its deepest frame that a pattern of `STAGES` names; the frames below it
are the standard library or C code working for that stage (parsing a form, pickling a job). Samples
nothing names count as "other". Over the same seconds psutil reads the CPU time of each process by kind
(web workers, query processes, the serve process): what each kind costs a request, which samples of
ready threads cannot weigh.
(The module is not called `profile`: that would shadow the standard library's module of that name for a
script run from this directory.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    from tests.benchmarks.loadgen import LoadResult
    from tests.benchmarks.results import SizeReport

HTTP = "HTTP parsing and writing (uvicorn/httptools, mitigraph.web.connections)"
MIDDLEWARE = "ASGI middleware, routing, responses (starlette/fastapi)"
HANDLER = "/sparql handler (mitigraph.web.sparql, sparql_request, negotiation)"
FAIRNESS = "per-client fair share (mitigraph.web.fairness)"
REFUSAL = "refusal check (mitigraph.query_guard)"
PIPE = "pipe to the query process (query_pool, query_slots, query_process._answer_jobs)"
EVALUATION = "query evaluation and serialisation (query_process.answer, Oxigraph)"
EVENT_LOOP = "event loop (uvloop/asyncio, between callbacks)"
WAITING = "waiting/idle (select, condition waits, queues)"
UPKEEP = "process upkeep (uvicorn supervisor, resource tracker)"
OTHER = "other"
STAGE_ORDER = (
    HTTP, MIDDLEWARE, HANDLER, FAIRNESS, REFUSAL, PIPE, EVALUATION, EVENT_LOOP, WAITING, UPKEEP, OTHER,
)  # fmt: skip
"""The stages in the order a request meets them, as the table lists them."""

STAGES: tuple[tuple[str, str], ...] = (
    (WAITING, "select (selectors.py"),
    (WAITING, "wait (threading.py"),
    (WAITING, "get (queue.py"),
    (WAITING, "_worker (concurrent/futures/thread.py"),
    (EVALUATION, "answer (mitigraph/query_process.py"),
    (EVALUATION, "_LimitedBuffer."),
    (PIPE, "_answer_jobs (mitigraph/query_process.py"),
    (PIPE, "mitigraph/query_pool.py"),
    (PIPE, "mitigraph/query_slots.py"),
    (PIPE, "mitigraph/query_jobs.py"),
    (REFUSAL, "mitigraph/query_guard.py"),
    (FAIRNESS, "mitigraph/web/fairness.py"),
    (HANDLER, "mitigraph/web/sparql.py"),
    (HANDLER, "mitigraph/web/sparql_request.py"),
    (HANDLER, "mitigraph/web/negotiation.py"),
    (MIDDLEWARE, "starlette/"),
    (MIDDLEWARE, "fastapi/"),
    (MIDDLEWARE, "mitigraph/web/app.py"),
    (HTTP, "uvicorn/protocols/"),
    (HTTP, "httptools"),
    (HTTP, "mitigraph/web/connections.py"),
    (EVENT_LOOP, "asyncio/runners.py"),
    (EVENT_LOOP, "asyncio/base_events.py"),
    (EVENT_LOOP, "asyncio/events.py"),
    (EVENT_LOOP, "uvicorn/server.py"),
    (EVENT_LOOP, "uvloop"),
    (UPKEEP, "uvicorn/supervisors/"),
    (UPKEEP, "multiprocessing/resource_tracker.py"),
)
"""(stage, a substring of a py-spy frame "function (package/module.py)"). The deepest frame of a stack that
some pattern matches decides its stage; when several patterns match that frame, the first listed wins."""

PROCESS_FRAME = re.compile(r'process \d+:"[^"]*";?')
"""The frames `--subprocesses` puts first (a process id and its command line, which may hold a `;`)."""
RATE_HZ = 100
SETTLE_SECONDS = 0.3
"""Given to py-spy to attach to every process of the tree before the load starts."""
EXIT_GRACE = 30.0


WEB_WORKERS, QUERY_PROCESSES, SERVE_PROCESS = "web workers", "query processes", "the serve process"
ROLES = (WEB_WORKERS, QUERY_PROCESSES, SERVE_PROCESS)


@dataclass(frozen=True)
class Profile:
    """The stages of one recording, or why there is none (`missing`)."""

    seconds: float = 0.0
    rate_hz: int = RATE_HZ
    samples: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    """Requests answered while py-spy recorded."""
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    """CPU seconds (user + system) each kind of process (ROLES) used while py-spy recorded."""
    missing: str = ""

    @property
    def total(self) -> int:
        return sum(self.samples.values())

    def share(self, stage: str) -> float:
        return self.samples.get(stage, 0) / self.total if self.total else 0.0

    def cpu_ms_per_request(self, role: str) -> float:
        return self.cpu_seconds.get(role, 0.0) / self.answered * 1000 if self.answered else 0.0


def raw_stacks(text: str) -> Iterator[tuple[list[str], int]]:
    """(frames from the outermost in, count) of each line of py-spy's raw format, process frames left out."""
    for line in text.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [frame for frame in PROCESS_FRAME.sub("", stack).split(";") if frame]
        yield frames, int(count)


def stage_of(frames: Sequence[str], stages: Sequence[tuple[str, str]] = STAGES) -> str:
    """The stage of one stack: the first pattern matching its deepest matched frame, else OTHER."""
    for frame in reversed(frames):
        for stage, pattern in stages:
            if pattern in frame:
                return stage
    return OTHER


def summarise(text: str) -> dict[str, int]:
    """Samples by stage (every stage of STAGE_ORDER, zero included) of a raw py-spy recording."""
    counts: Counter[str] = Counter()
    for frames, count in raw_stacks(text):
        counts[stage_of(frames)] += count
    return {stage: counts[stage] for stage in STAGE_ORDER}


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def record(pid: int, *, seconds: float, load: Callable[[float], LoadResult]) -> Profile:
    """Record the process tree of `pid` for `seconds` while `load(seconds)` runs against it.

    Never raises for a missing or refused profiler: the Profile then says why there is none.
    """
    executable = py_spy()
    if executable is None:
        return Profile(missing="py-spy is not installed (pip install -e '.[bench]')")
    duration = max(1, round(seconds))
    with tempfile.TemporaryDirectory(prefix="mitigraph-profile-") as scratch:
        output = Path(scratch) / "stacks.txt"
        command = [
            executable, "record", "--subprocesses", "--nonblocking", "-p", str(pid), "-f", "raw",
            "--nolineno", "-r", str(RATE_HZ), "-d", str(duration), "-o", str(output),
        ]  # fmt: skip
        try:
            spy = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as error:
            return Profile(missing=f"py-spy could not be started: {error}")
        with suppress(subprocess.TimeoutExpired):
            spy.wait(timeout=SETTLE_SECONDS)
        result, cpu = None, {}
        if spy.poll() is None:
            before = cpu_by_process(pid)
            result = load(duration)
            cpu = cpu_by_role(before, cpu_by_process(pid))
        try:
            said, _ = spy.communicate(timeout=duration + EXIT_GRACE)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.communicate()
            return Profile(missing=f"py-spy did not finish within {duration + EXIT_GRACE:g} s")
        if spy.returncode != 0 or not output.exists():
            return Profile(missing=_refusal(spy.returncode, said.decode("utf-8", "replace")))
        samples = summarise(output.read_text(encoding="utf-8", errors="replace"))
    if not sum(samples.values()):
        return Profile(missing="py-spy recorded no samples of a thread on CPU")
    answered = len(result.latencies) if result else 0
    return Profile(seconds=duration, samples=samples, answered=answered, cpu_seconds=cpu)


def _refusal(status: int | None, said: str) -> str:
    """Why py-spy gave no profile: its error line (not the backtrace after it), with a hint on ptrace."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    error = next((line for line in lines if line.startswith("Error")), lines[-1] if lines else "no message")
    hint = " (reading another process needs ptrace: root, CAP_SYS_PTRACE or kernel.yama.ptrace_scope=0)"
    permission = any(word in said.lower() for word in ("permission", "ptrace", "operation not permitted"))
    return f"py-spy exited with status {status}: {error}{hint if permission else ''}"


def cpu_by_process(pid: int) -> dict[int, tuple[str, float]]:
    """pid -> (role, CPU seconds so far) of the server `pid` and its descendants: its direct children started
    by multiprocessing's spawn are web workers, their descendants query processes, the rest the serve
    process (the root, its resource tracker)."""
    try:
        root = psutil.Process(pid)
        children = root.children()
    except psutil.Error:
        return {}
    tree: list[tuple[psutil.Process, str]] = [(root, SERVE_PROCESS)]
    for child in children:
        with suppress(psutil.Error):
            web = "spawn_main" in " ".join(child.cmdline())
            tree.append((child, WEB_WORKERS if web else SERVE_PROCESS))
            tree += [(grandchild, QUERY_PROCESSES) for grandchild in child.children(recursive=True)]
    used: dict[int, tuple[str, float]] = {}
    for process, role in tree:
        with suppress(psutil.Error):
            times = process.cpu_times()
            used[process.pid] = (role, times.user + times.system)
    return used


def cpu_by_role(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds each role used between two readings (a process started meanwhile counts from zero)."""
    used = dict.fromkeys(ROLES, 0.0)
    for pid, (role, seconds) in after.items():
        used[role] += max(0.0, seconds - before.get(pid, (role, 0.0))[1])
    return used


# ---------------------------------------------------------------- printing


def render_profiles(reports: Iterable[SizeReport]) -> str:
    """One table, a column per size with a profile, and a line per size on how it was taken (or why not)."""
    profiled = [(report.size, report.profile) for report in reports if report.profile is not None]
    if not profiled:
        return ""
    taken = [(size, profile) for size, profile in profiled if not profile.missing]
    lines = [
        "Where Mitigraph's time goes while it answers the one-record lookup at concurrency 1: share of the "
        "py-spy samples of threads running or ready to run in the server's whole process tree, by stage "
        "(a thread woken by a pipe and waiting for a core counts where it waits).",
        "",
    ]
    if taken:
        lines += [*_stage_table(taken), ""]
    lines += [f"- N = {size:,}: {_how(profile)}" for size, profile in profiled]
    return "\n".join(lines)


def _stage_table(taken: Sequence[tuple[int, Profile]]) -> list[str]:
    rows = [
        "| stage | " + " | ".join(f"N = {size:,}" for size, _ in taken) + " |",
        "|---|" + "---|" * len(taken),
    ]
    for stage in STAGE_ORDER:
        if any(profile.samples.get(stage) for _, profile in taken):
            rows.append(f"| {stage} | " + " | ".join(f"{p.share(stage):.0%}" for _, p in taken) + " |")
    rows.append("| samples | " + " | ".join(f"{p.total:,}" for _, p in taken) + " |")
    return rows


def _how(profile: Profile) -> str:
    if profile.missing:
        return f"no profile: {profile.missing}."
    rate = profile.answered / profile.seconds if profile.seconds else 0.0
    cpu = ", ".join(f"{role} {profile.cpu_ms_per_request(role):.2f} ms" for role in ROLES)
    return (
        f"{profile.seconds:g} s at {profile.rate_hz} Hz while it answered {profile.answered:,} lookups "
        f"({rate:.0f}/s); CPU per lookup (psutil): {cpu}."
    )
