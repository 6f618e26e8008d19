"""`mitigraph serve` as an operator uses it: options, refusing a bad graph, workers, clean shutdown."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
import pytest
from tests.support.polling import poll_until
from tests.support.servers import LOOPBACK, SERVE, RunningServer, kill_process_group, wait_for_log

from mitigraph.loader import load_project
from mitigraph.namespaces import DEFAULT_BASE
from mitigraph.settings import Settings
from mitigraph.site import write_store

ASK_CATEGORY = "ASK {{ <{base}category/1.1> ?p ?o }}"
VIOLATING = """
@prefix mg: <https://w3id.org/mitigraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/mitigraph/id/mitigation/no-category> a mg:Mitigation ; rdfs:label "Filed nowhere" .
"""


def run_serve(*options: str) -> subprocess.CompletedProcess[str]:
    """Run `mitigraph serve` expecting it to stop on its own (refusing to start)."""
    return subprocess.run([*SERVE, *options], capture_output=True, text=True, timeout=120, check=False)


def ask(server: RunningServer, query: str) -> bool:
    response = httpx.get(server.sparql, params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def descendants(server: RunningServer) -> list[psutil.Process]:
    return psutil.Process(server.process.pid).children(recursive=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--port", "0"), "--port must be between 1 and 65535"),
        (("--workers", "0"), "--workers must be at least 1"),
        (("--query-timeout", "0"), "--query-timeout must be a positive number"),
        (("--base", "ftp://example.org/id"), "--base must be an http(s) IRI"),
        (("--graph", "/nonexistent/graph.ttl"), "not found"),
    ],
)
def test_bad_options_exit_2_and_say_what_to_change(options: tuple[str, ...], message: str) -> None:
    result = run_serve(*options)
    assert result.returncode == 2
    assert message in result.stderr


def broken_graph(directory: Path) -> Path:
    """A Turtle file whose third (last) line lacks its object."""
    broken = directory / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e\n", encoding="utf-8")
    return broken


def test_an_unreadable_graph_exits_2_naming_the_file(tmp_path: Path) -> None:
    broken = broken_graph(tmp_path)
    result = run_serve("--graph", str(broken))
    assert result.returncode == 2
    assert f"error: {broken}:" in result.stderr
    assert "turtle syntax error" in result.stderr


def test_an_unreadable_graph_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = broken_graph(tmp_path)
    assert f"{broken}:3:" in run_serve("--graph", str(broken)).stderr


def test_a_graph_that_does_not_conform_is_not_served(tmp_path: Path) -> None:
    graph = tmp_path / "violating.ttl"
    graph.write_text(VIOLATING, encoding="utf-8")
    result = run_serve("--graph", str(graph))
    assert result.returncode == 1
    assert "no-category" in result.stderr
    assert "Not serving" in result.stderr


PROCESS_EXIT_SECONDS = 10
"""How long the helper processes (query processes, multiprocessing's resource tracker) may take to exit
once the server has: they are told to stop, but reap asynchronously."""


def store_of(server: RunningServer) -> Path:
    """The temporary store a server said it wrote."""
    return Path(re.findall(r"^store: (\S+) \(temporary", server.log(), re.M)[0])


def test_sigterm_stops_every_process_and_removes_the_store(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server("--verbose")
    wait_for_log(server, "Application startup complete.", count=2)
    store = store_of(server)
    assert store.is_dir()
    processes = descendants(server)
    spawned = [p for p in processes if "spawn_main" in " ".join(p.cmdline())]
    defaults = Settings()
    assert len(spawned) == defaults.workers * (1 + defaults.query_workers), (
        "web workers and their query processes"
    )

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    assert not store.exists()
    _, still_running = psutil.wait_procs(processes, timeout=PROCESS_EXIT_SECONDS)
    assert [p.pid for p in still_running if p.status() != psutil.STATUS_ZOMBIE] == []
    log = server.log()
    assert log.count("Started server process") == 2, "two web workers by default"
    assert '"GET /health HTTP/1.1" 200' in log, "--verbose shows the access log"
    assert "Traceback" not in log


@pytest.mark.parametrize(
    ("stop", "workers"), [(signal.SIGTERM, "1"), (signal.SIGINT, "1"), (signal.SIGINT, "2")]
)
def test_other_signals_and_worker_counts_stop_cleanly(
    start_server: Callable[..., RunningServer], stop: signal.Signals, workers: str
) -> None:
    server = start_server("--workers", workers)
    store = store_of(server)
    server.process.send_signal(stop)
    assert server.process.wait(timeout=30) == 0
    assert not store.exists()
    assert "Traceback" not in server.log()


def test_another_base_is_served_under_its_own_iris(start_server: Callable[..., RunningServer]) -> None:
    base = "https://example.org/kg/id/"
    server = start_server("--workers", "1", "--base", base)
    assert ask(server, ASK_CATEGORY.format(base=base))
    assert not ask(server, ASK_CATEGORY.format(base="https://w3id.org/mitigraph/id/"))


def test_a_store_written_beforehand_is_served_as_is(
    tmp_path: Path, start_server: Callable[..., RunningServer]
) -> None:
    store = tmp_path / "store"
    write_store(load_project().store, store, base=DEFAULT_BASE)
    server = start_server("--workers", "1", "--store", str(store))
    assert ask(server, ASK_CATEGORY.format(base="https://w3id.org/mitigraph/id/"))
    server.stop()
    assert store.is_dir(), "a store the operator gave is left in place"


def test_a_missing_store_exits_2(tmp_path: Path) -> None:
    result = run_serve("--store", str(tmp_path / "nothing-here"))
    assert result.returncode == 2
    assert "no Oxigraph store" in result.stderr


BUSY_PORT_SECONDS = 2.0
"""How soon `serve` must report a busy port: before it loads anything."""


def test_a_busy_port_is_reported_at_once_with_how_to_choose_another() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = subprocess.Popen(
            [*SERVE, "--host", LOOPBACK, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            poll_until(lambda: process.poll() is not None, timeout=BUSY_PORT_SECONDS, interval=0.02)
        finally:
            if process.poll() is None:
                kill_process_group(process)
        out, err = process.communicate()
    assert process.returncode == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"error: port {port} on {LOOPBACK} is already in use by another program: ")
    assert "choose another with --port" in line


LIBRARY_LINE = re.compile(r"^(?:DEBUG|INFO)\b", re.M)
"""A log line of a library (uvicorn prints `INFO:     ...`, the others `INFO: name: ...`)."""


def test_a_normal_start_prints_its_own_lines_and_no_library_chatter(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server("--workers", "1")
    wait_for_log(server, "ready in ")
    httpx.get(server.url + "/", timeout=30).raise_for_status()
    assert server.stop() == 0
    lines = server.log().splitlines()
    assert lines[0] == f"serving the project's graph (ontology/ and data/) at {server.url}"
    assert any(line.startswith("loaded the graph and wrote its store and site in ") for line in lines)
    assert any(
        re.fullmatch(rf"ready in [0-9.]+ s: {re.escape(server.url)} \(.*\); Ctrl-C stops it", line)
        for line in lines
    )
    assert lines[-1] == "stopped"
    assert LIBRARY_LINE.findall(server.log()) == [], server.log()


def test_the_access_log_alone_shows_requests_and_nothing_else(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server("--workers", "1", "--access-log")
    httpx.get(server.url + "/", timeout=30).raise_for_status()
    wait_for_log(server, '"GET / HTTP/1.1" 200')
    assert [
        line for line in server.log().splitlines() if LIBRARY_LINE.match(line) and '" 200' not in line
    ] == []
