"""Start the servers under comparison on free loopback ports, time them to their first answer, watch memory.

Each server runs in its own process group (so stopping it stops its workers too) and is polled until it
answers a real query; a background thread samples the resident memory of the whole process tree.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from mitigraph.publish import GraphStoreTarget, upload
from tests.benchmarks.loadgen import HttpRequest, require_loopback, send
from tests.benchmarks.results import MITIGRAPH, MITIGRAPH_GRAPH, OXIGRAPH, OXIGRAPH_DISK, RDFLIB
from tests.support.polling import NotInTime, poll_until
from tests.support.servers import LOOPBACK, free_port, kill_process_group

POLL_INTERVAL = 0.05
"""Seconds between readiness polls (a poll is a real query; this only spaces them)."""
MEMORY_SAMPLE_INTERVAL = 0.1
STOP_GRACE = 10.0
IDLE_WINDOW = 1.0
"""Seconds over which a server's process tree must stay (nearly) idle to count as settled."""
IDLE_CPU_SHARE = 0.1
"""At most this share of one core used during the window: start-up work (memory copies, indexes) is done."""


class ServerFailed(RuntimeError):
    """A server exited or never answered; the message carries the end of its log."""


def executable(name: str) -> str:
    """A console script of this virtualenv (beside the running python), else one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise ServerFailed(f"{name} is not installed: pip install -e '.[test]'")
    return found


class PeakMemory:
    """Samples the summed RSS of a process and all its descendants until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self._root = psutil.Process(pid)
        self._stop = threading.Event()
        self.peak_bytes = 0
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())
            self._stop.wait(MEMORY_SAMPLE_INTERVAL)

    def _tree_sum(self, measure: Callable[[psutil.Process], float]) -> float:
        """`measure` summed over the process and its descendants (those that end meanwhile count 0)."""
        try:
            processes = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        total = 0.0
        for process in processes:
            try:
                total += measure(process)
            except psutil.Error:
                continue
        return total

    def _tree_rss(self) -> int:
        return int(self._tree_sum(lambda process: process.memory_info().rss))

    def tree_cpu_seconds(self) -> float:
        return self._tree_sum(lambda process: sum(process.cpu_times()[:2]))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_bytes


@dataclass
class RunningServer:
    name: str
    query_url: str
    root_url: str
    process: subprocess.Popen[bytes]
    memory: PeakMemory
    log_path: Path
    start_to_first_answer: float = 0.0
    start_to_settled: float = 0.0
    """Seconds from the spawn until the process tree went idle after start-up (background work done)."""
    notes: list[str] = field(default_factory=list)

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class ServerPlan:
    """How to start one server: its command, where it answers queries, and what to do once it listens."""

    name: str
    command: Callable[[int], list[str]]
    query_path: str
    after_listening: Callable[[str], None] | None = None
    """Called with the root URL once the port answers (Oxigraph: load the data)."""
    startup_timeout: float = 600.0


def query_request(query_url: str, query: str) -> HttpRequest:
    return HttpRequest(
        method="POST",
        url=query_url,
        headers={"Accept": "application/sparql-results+json"},
        form={"query": query},
    )


def _wait_until(
    check: Callable[[], bool], *, process: subprocess.Popen[bytes], timeout: float, what: str
) -> None:
    def alive_and_checked() -> bool:
        if process.poll() is not None:
            raise ServerFailed(f"{what}: the process exited with status {process.returncode}")
        return check()

    try:
        poll_until(alive_and_checked, timeout=timeout, interval=POLL_INTERVAL)
    except NotInTime:
        raise ServerFailed(f"{what}: no answer within {timeout:g} s") from None


NOT_READY_STATUSES = (502, 503, 504)
"""Answers that mean "still starting"; any other error status means the request itself is wrong."""


def _answers(client: httpx.Client, request: HttpRequest) -> bool:
    try:
        response = send(client, request)
    except httpx.HTTPError:
        return False
    if response.status_code == 200:
        return True
    if response.status_code in NOT_READY_STATUSES:
        return False
    raise ServerFailed(f"{request.url} answered {response.status_code}: {response.text[:300]}")


def _listens(client: httpx.Client, url: str) -> bool:
    try:
        client.get(url)
        return True
    except httpx.HTTPError:
        return False


@contextmanager
def running(plan: ServerPlan, *, first_query: str, log_dir: Path) -> Iterator[RunningServer]:
    """Start the server, wait for its first answered query (timed from the spawn), stop it on exit."""
    port = free_port()
    root = f"http://{LOOPBACK}:{port}"
    require_loopback(root)
    log_path = log_dir / f"{plan.name.replace(' ', '-')}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            plan.command(port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = RunningServer(
        name=plan.name,
        query_url=root + plan.query_path,
        root_url=root,
        process=process,
        memory=PeakMemory(process.pid),
        log_path=log_path,
    )
    try:
        with httpx.Client(timeout=60.0, trust_env=False) as client:
            if plan.after_listening is not None:
                _wait_until(
                    lambda: _listens(client, root),
                    process=process,
                    timeout=plan.startup_timeout,
                    what=plan.name,
                )
                plan.after_listening(root)
            request = query_request(server.query_url, first_query)
            _wait_until(
                lambda: _answers(client, request),
                process=process,
                timeout=plan.startup_timeout,
                what=plan.name,
            )
        server.start_to_first_answer = time.perf_counter() - started
        _wait_until_idle(server.memory, process=process, timeout=plan.startup_timeout, what=plan.name)
        server.start_to_settled = time.perf_counter() - started
        yield server
    except ServerFailed as error:
        raise ServerFailed(f"{error}\n--- {log_path} ---\n{server.log_tail()}") from error
    finally:
        _stop(process)
        server.memory.stop()


def _wait_until_idle(
    memory: PeakMemory, *, process: subprocess.Popen[bytes], timeout: float, what: str
) -> None:
    """Wait until the server uses (almost) no CPU for a whole window: load tests then see it settled."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    previous = memory.tree_cpu_seconds()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"{what}: the process exited with status {process.returncode}")
        pause.wait(IDLE_WINDOW)
        current = memory.tree_cpu_seconds()
        if current - previous <= IDLE_CPU_SHARE * IDLE_WINDOW:
            return
        previous = current
    raise ServerFailed(f"{what}: still busy {timeout:g} s after start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        kill_process_group(process)


# ---------------------------------------------------------------- the three servers


def mitigraph_from_store(store_dir: Path, *, options: Sequence[str] = ()) -> ServerPlan:
    """`mitigraph serve --store DIR` on a free port, with every other option at its default unless
    `options` (a variant measured beside the default) says otherwise."""
    name = f"Mitigraph (--store {' '.join(options)})" if options else MITIGRAPH

    def command(port: int) -> list[str]:
        return [
            executable("mitigraph"), "serve", "--host", LOOPBACK, "--port", str(port),
            "--store", str(store_dir), *options,
        ]  # fmt: skip

    return ServerPlan(name=name, command=command, query_path="/sparql")


def mitigraph_from_files(files: Sequence[Path]) -> ServerPlan:
    """`mitigraph serve --graph FILE ...` (load and validate at start), every other option at its default."""

    def command(port: int) -> list[str]:
        graphs = [argument for path in files for argument in ("--graph", str(path))]
        return [executable("mitigraph"), "serve", "--host", LOOPBACK, "--port", str(port), *graphs]

    return ServerPlan(name=MITIGRAPH_GRAPH, command=command, query_path="/sparql")


def oxigraph_in_memory(files: Sequence[Path]) -> ServerPlan:
    """`oxigraph serve` with an in-memory store, loaded over the Graph Store Protocol once it listens."""

    def load(root: str) -> None:
        for path in files:
            body_format = "ttl" if path.suffix == ".ttl" else "nt"
            upload(
                path.read_bytes(), target=GraphStoreTarget(gsp_url=f"{root}/store"), body_format=body_format
            )

    def command(port: int) -> list[str]:
        return [executable("oxigraph"), "serve", "--bind", f"{LOOPBACK}:{port}"]

    return ServerPlan(name=OXIGRAPH, command=command, query_path="/query", after_listening=load)


def oxigraph_read_only(store_dir: Path) -> ServerPlan:
    """`oxigraph serve-read-only` over the store Mitigraph serves: the same storage, without Mitigraph."""

    def command(port: int) -> list[str]:
        return [
            executable("oxigraph"),
            "serve-read-only",
            "--location",
            str(store_dir),
            "--bind",
            f"{LOOPBACK}:{port}",
        ]

    return ServerPlan(name=OXIGRAPH_DISK, command=command, query_path="/query")


def rdflib_endpoint(files: Sequence[Path]) -> ServerPlan:
    """rdflib-endpoint's own CLI over an rdflib graph: what a user assembles from the obvious parts."""

    def command(port: int) -> list[str]:
        return [
            executable("rdflib-endpoint"),
            "serve",
            *map(str, files),
            "--host",
            LOOPBACK,
            "--port",
            str(port),
        ]

    return ServerPlan(name=RDFLIB, command=command, query_path="/")


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="mitigraph-bench-"))
