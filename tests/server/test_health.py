"""/health tells the truth: it answers at once while the query processes are saturated, and reports them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from tests.support.servers import RunningServer, running_server

from mitigraph import __version__
from mitigraph.query_pool import PoolStats
from mitigraph.settings import Settings
from mitigraph.web.app import pool_status

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s ?p ?o }"
QUERY_TIMEOUT = 8.0
QUEUE_TIMEOUT = 5.0
WAITING_CLIENTS = 45
"""More requests waiting for a query process than the threadpool that runs request handlers has threads."""
ANSWERS_WITHIN = 1.0


def test_health_reports_the_query_processes(http: httpx.Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    report = response.json()
    assert report["status"] == "ok"
    assert report["version"] == __version__
    assert report["query_store"] in ("in-memory copies", "on-disk store")
    assert report["triples"] > 0
    processes, defaults = report["query_processes"], Settings()
    assert processes["size"] == defaults.query_workers
    assert processes["alive"] == defaults.query_workers
    assert 0 <= processes["busy"] <= defaults.query_slots
    assert processes["waiting"] >= 0


@pytest.mark.parametrize(
    ("stats", "status", "code"),
    [
        (None, "starting", 503),
        (PoolStats(size=2, alive=0, busy=0, waiting=3), "degraded", 503),
        (PoolStats(size=2, alive=1, busy=1, waiting=0), "ok", 200),
        (PoolStats(size=2, alive=2, busy=2, waiting=9), "ok", 200),
    ],
)
def test_status_of_a_pool(stats: PoolStats | None, status: str, code: int) -> None:
    assert pool_status(stats) == (status, code)


@pytest.fixture(scope="module")
def saturable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One web worker of two query processes; queries wait up to QUEUE_TIMEOUT for one."""
    options = ("--workers=1", f"--query-timeout={QUERY_TIMEOUT}", f"--queue-timeout={QUEUE_TIMEOUT}")
    with running_server(*options, log_dir=tmp_path_factory.mktemp("saturable")) as server:
        yield server


def query_from(server: RunningServer, address: str, query: str, outcomes: list[int]) -> threading.Thread:
    """Send `query` from the loopback `address` (a client of its own) in a thread; record the status."""

    def run() -> None:
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(base_url=server.url, transport=transport, timeout=60.0) as client:
            outcomes.append(client.post("/sparql", data={"query": query}).status_code)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_health_answers_at_once_while_every_query_process_is_busy(saturable: RunningServer) -> None:
    outcomes: list[int] = []
    threads = [query_from(saturable, f"127.0.0.{3 + index}", RUNAWAY, outcomes) for index in range(2)]
    threads += [
        query_from(saturable, f"127.0.1.{10 + index}", CHEAP, outcomes) for index in range(WAITING_CLIENTS)
    ]
    reports = []
    transport = httpx.HTTPTransport(local_address="127.0.2.1")
    with httpx.Client(base_url=saturable.url, transport=transport, timeout=10.0) as health:
        deadline = time.monotonic() + QUEUE_TIMEOUT - 1
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = health.get("/health")
            reports.append((time.monotonic() - started, response.status_code, response.json()))
    for thread in threads:
        thread.join(timeout=QUERY_TIMEOUT + QUEUE_TIMEOUT + 10)

    assert reports
    assert max(seconds for seconds, _, _ in reports) < ANSWERS_WITHIN
    assert all(code == 200 and report["status"] == "ok" for _, code, report in reports)
    saturated = [
        report["query_processes"] for _, _, report in reports if report["query_processes"]["busy"] == 2
    ]
    assert saturated, "the runaway queries never showed as busy"
    assert max(processes["waiting"] for processes in saturated) >= 1
    assert outcomes.count(503) >= 2, "the runaways are stopped at the query timeout"
