"""Every process that evaluates a user's query is sandboxed: no network, no writes, a memory cap.

The proofs send queries straight to a query pool (and to the CLI's evaluation), which never consult the
refusal layer, so what reaches the engine here is exactly what a query that slipped past the refusals
could do. A loopback listener witnesses that no connection is ever made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from pyoxigraph import Store
from tests.support.listening import Listener
from tests.support.servers import LOOPBACK, SERVE, RunningServer, free_port, running_server, wait_until_ready

from mitigraph.loader import LoadedGraph
from mitigraph.local_query import QueryTextError, evaluate
from mitigraph.query_jobs import QueryJob, QueryRejected
from mitigraph.query_pool import PoolStats, QueryPool
from mitigraph.settings import Settings


def service_queries(listener: Listener) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT*WHERE{{SERVICE<http://127.0.0.1:{listener.port}/>{{?s ?p ?o}}}}",
        f"PREFIX here: <http://127.0.0.1:{listener.port}/> "
        "SELECT * WHERE { SERVICE here:sparql { ?s ?p ?o } }",
        f"SELECT * WHERE {{ SERVICE <http://localhost:{listener.port}/> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <http://no-such-host.invalid/sparql> { ?s ?p ?o } }",
    ]


def job(query: str) -> QueryJob:
    return QueryJob(query=query, solutions_format="JSON", graph_format=None)


@pytest.fixture(scope="module")
def pool(store_dir: Path) -> Iterator[QueryPool]:
    settings = Settings(query_workers=1, query_memory=256 * 1024 * 1024)
    running = QueryPool.from_settings(store_dir, settings, memory_copy=True)
    running.start()
    try:
        yield running
    finally:
        running.close()


def test_the_control_an_unsandboxed_engine_calls_the_listener(listener: Listener) -> None:
    """Without the sandbox Oxigraph follows SERVICE: the tests below would see a leak."""
    with pytest.raises(OSError):
        list(Store().query(service_queries(listener)[0]))
    assert listener.connections == ["127.0.0.1"]


def test_service_from_a_query_process_reaches_nothing_and_says_so(
    pool: QueryPool, listener: Listener
) -> None:
    for query in service_queries(listener):
        with pytest.raises(QueryRejected, match="cannot reach"):
            pool.run(job(query))
    assert listener.connections == []


def test_service_silent_answers_without_rows_from_anywhere(pool: QueryPool, listener: Listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    answer = json.loads(pool.run(job(query)).body)
    assert answer["results"]["bindings"] == [{}]
    assert listener.connections == []


def test_the_cli_evaluates_in_the_same_sandbox(project: LoadedGraph, listener: Listener) -> None:
    for query in service_queries(listener)[:2]:
        with pytest.raises(QueryTextError, match="cannot reach"):
            evaluate(project.graph, job(query), settings=Settings())
    assert listener.connections == []


def test_a_query_nested_too_deep_for_the_engine_ends_only_its_process(pool: QueryPool) -> None:
    too_deep = "SELECT * WHERE { FILTER(" + "(" * 200_000 + "true" + ")" * 200_000 + ") }"
    with pytest.raises(QueryRejected, match="too deeply"):
        pool.run(job(too_deep))
    assert pool.run(job("ASK { ?s ?p ?o }")).body == b'{"head":{},"boolean":true}'


def test_a_capped_process_lives_on_after_copying_the_store_into_memory(pool: QueryPool) -> None:
    """The memory copy fits under a 256 MiB cap: the process that answers is the one that started."""
    first = pool.run(job("ASK { ?s ?p ?o }"))
    started_with = query_process_ids()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        assert pool.run(job("ASK { ?s ?p ?o }")) == first
    assert query_process_ids() == started_with
    assert pool.stats() == PoolStats(size=1, alive=1, busy=0, waiting=0)


def query_process_ids() -> set[int]:
    return {
        child.pid
        for child in psutil.Process().children()
        if child.status() != psutil.STATUS_ZOMBIE and any("spawn_main" in part for part in child.cmdline())
    }


CONFINED_PROBE = """
import json, os, socket, sys
from mitigraph.sandbox import confine
directory, port = sys.argv[1], int(sys.argv[2])
report = {"confinement": confine(memory_bytes=256 * 1024 * 1024).describe()}
for name, attempt in {
    "create": lambda: open(os.path.join(directory, "new"), "w").close(),
    "append": lambda: open(os.path.join(directory, "existing"), "a").write("x"),
    "remove": lambda: os.remove(os.path.join(directory, "existing")),
    "connect": lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close(),
    "allocate": lambda: bytearray(512 * 1024 * 1024),
}.items():
    try:
        attempt()
        report[name] = "done"
    except (OSError, MemoryError) as error:
        report[name] = type(error).__name__
report["read"] = open(os.path.join(directory, "existing")).read()
print(json.dumps(report))
"""


def test_a_confined_process_cannot_write_connect_or_outgrow_its_memory(
    tmp_path: Path, listener: Listener
) -> None:
    (tmp_path / "existing").write_text("kept", encoding="utf-8")
    probe = subprocess.run(
        [sys.executable, "-c", CONFINED_PROBE, str(tmp_path), str(listener.port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(probe.stdout)
    assert report["confinement"].startswith("own empty network namespace, no writes")
    assert {name: report[name] for name in ("create", "append", "remove", "connect", "allocate")} == {
        "create": "PermissionError",
        "append": "PermissionError",
        "remove": "PermissionError",
        "connect": "PermissionError",
        "allocate": "MemoryError",
    }
    assert report["read"] == "kept"
    assert sorted(os.listdir(tmp_path)) == ["existing"]
    assert listener.connections == []


# ---------------------------------------------------------------- through the server

CARTESIAN = "SELECT * WHERE { ?a ?b ?o . ?c ?d ?e } ORDER BY ?o ?e"
"""Sorting every pair of triples: hundreds of MB within a fraction of a second."""


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    options = ("--workers", "1", "--query-memory", "256MiB")
    with running_server(*options, log_dir=tmp_path_factory.mktemp("capped")) as running:
        yield running


def test_a_query_past_the_memory_cap_is_503_and_the_next_query_is_answered(capped: RunningServer) -> None:
    with httpx.Client(base_url=capped.url, timeout=30) as client:
        stopped = client.get("/sparql", params={"query": CARTESIAN})
        assert stopped.status_code == 503, stopped.text
        assert "256 MiB" in stopped.text and "--query-memory" in stopped.text
        following = [client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}) for _ in range(4)]
    assert [response.status_code for response in following] == [200] * 4


def test_serve_says_how_its_query_processes_are_sandboxed(capped: RunningServer) -> None:
    assert "query processes: own empty network namespace, no writes" in capped.log()
    assert "memory cap 256 MiB" in capped.log()


REFUSING_KERNEL = [
    "unshare",
    "--user",
    "--map-root-user",
    "sh",
    "-c",
    'echo 0 > /proc/sys/user/max_user_namespaces && exec setpriv --bounding-set=-sys_admin "$@"',
    "refusing-kernel",
]
"""Run a command where the kernel refuses the sandbox: inside a user namespace that may create no further
user namespaces, without CAP_SYS_ADMIN (so no network namespace either)."""


def serve_where_the_kernel_refuses(*options: str, log_path: Path) -> subprocess.Popen[bytes]:
    command = [*REFUSING_KERNEL, *SERVE, "--host", LOOPBACK, *options]
    with log_path.open("wb") as log_file:
        return subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)


def test_serve_refuses_to_start_where_the_kernel_refuses_the_sandbox(tmp_path: Path) -> None:
    log_path = tmp_path / "serve.log"
    process = serve_where_the_kernel_refuses("--port", str(free_port()), log_path=log_path)
    assert process.wait(timeout=60) == 2
    log = log_path.read_text(encoding="utf-8")
    assert "cannot be sandboxed" in log and "--unsandboxed" in log
    assert "Traceback" not in log


def test_serve_unsandboxed_warns_loudly_and_serves(tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "serve.log"
    process = serve_where_the_kernel_refuses(
        "--port", str(port), "--workers", "1", "--unsandboxed", log_path=log_path
    )
    server = RunningServer(url=f"http://{LOOPBACK}:{port}", process=process, log_path=log_path)
    try:
        wait_until_ready(server)
        assert "WARNING: --unsandboxed" in server.log() and "WITHOUT" in server.log()
        response = httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert response.status_code == 200
    finally:
        server.stop()
