"""The query pool: a killed process is replaced before it is handed a query, waiting is bounded, the
engine's complaints about a query are the client's (400), and the pool's counts never wait for it."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from tests.support.polling import poll_until
from tests.support.servers import RunningServer

from mitigraph.query_jobs import (
    PoolBusy,
    QueryJob,
    QueryRejected,
    QueryTimeout,
)
from mitigraph.query_pool import PoolStats, QueryPool

ASK = QueryJob(query="ASK { ?s ?p ?o }", solutions_format="JSON", graph_format=None)
ENDLESS = QueryJob(
    query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    solutions_format="JSON",
    graph_format=None,
)
"""Counts a cartesian cube of the graph: runs far longer than any timeout here, in little memory."""
TRUE = b'{"head":{},"boolean":true}'


def make_pool(
    store_dir: Path, *, size: int = 2, timeout: float = 10.0, queue_timeout: float = 2.0
) -> QueryPool:
    return QueryPool(
        store_dir,
        size=size,
        timeout=timeout,
        queue_timeout=queue_timeout,
        max_result_bytes=1024 * 1024,
        memory_bytes=512 * 1024 * 1024,
        memory_copy=False,
    )


@pytest.fixture
def pool(store_dir: Path) -> Iterator[QueryPool]:
    running = make_pool(store_dir)
    running.start()
    try:
        yield running
    finally:
        running.close()


def query_processes(parent: psutil.Process) -> list[psutil.Process]:
    """The running multiprocessing children (query processes) of `parent`, at any depth."""
    found = []
    for child in parent.children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and any(
                "spawn_main" in part for part in child.cmdline()
            ):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def kill_all(processes: list[psutil.Process]) -> None:
    for process in processes:
        process.send_signal(signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)


def test_killed_processes_are_replaced_before_they_are_handed_a_query(store_dir: Path) -> None:
    others = {process.pid for process in query_processes(psutil.Process())}
    pool = make_pool(store_dir)
    pool.start()
    try:
        assert pool.run(ASK).body == TRUE
        victims = [process for process in query_processes(psutil.Process()) if process.pid not in others]
        assert len(victims) == 2
        kill_all(victims)
        assert pool.stats().alive == 0
        for _ in range(4):
            assert pool.run(ASK).body == TRUE
        assert pool.stats() == PoolStats(size=2, alive=2, busy=0, waiting=0)
    finally:
        pool.close()


def test_a_query_past_its_time_is_stopped_and_the_next_is_answered(store_dir: Path) -> None:
    quick = make_pool(store_dir, size=1, timeout=1.0)
    quick.start()
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            quick.run(ENDLESS)
        assert time.monotonic() - started < 5
        assert quick.run(ASK).body == TRUE
    finally:
        quick.close()


def test_waiting_for_a_free_process_is_bounded_and_counted(store_dir: Path) -> None:
    single = make_pool(store_dir, size=1, timeout=15.0, queue_timeout=3.0)
    single.start()
    outcomes: list[BaseException] = []

    def run(job: QueryJob) -> None:
        try:
            single.run(job)
        except Exception as error:
            outcomes.append(error)

    try:
        runaway = threading.Thread(target=run, args=(ENDLESS,))
        runaway.start()
        poll_until(
            lambda: single.stats().busy == 1, timeout=10.0, message="the runaway never held the process"
        )
        waiter = threading.Thread(target=run, args=(ASK,))
        waiter.start()
        poll_until(lambda: single.stats().waiting == 1, timeout=10.0, message="the query never waited")
        counted = time.monotonic()
        stats = single.stats()
        assert time.monotonic() - counted < 1.0, "stats() must never wait for the pool"
        assert stats == PoolStats(size=1, alive=1, busy=1, waiting=1), outcomes
        waiter.join(timeout=10)
        assert [type(outcome) for outcome in outcomes] == [PoolBusy], outcomes
        assert time.monotonic() - counted < 5.0, "waiting is bounded by queue_timeout"
    finally:
        single.close()
        runaway.join(timeout=10)


def test_an_unknown_function_is_the_querys_fault(pool: QueryPool) -> None:
    job = QueryJob("SELECT * WHERE { ?s ?p ?o FILTER(<urn:x:f>(?o)) }", "JSON", None)
    with pytest.raises(QueryRejected, match="custom function <urn:x:f> is not supported"):
        pool.run(job)


# ---------------------------------------------------------------- through the server


def test_after_its_query_processes_are_killed_the_server_answers_every_query(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server("--workers", "1", "--query-workers", "2")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.get("/sparql", params={"query": ASK.query}).status_code == 200
        victims = query_processes(psutil.Process(server.process.pid))
        assert len(victims) == 2
        kill_all(victims)
        statuses = [client.get("/sparql", params={"query": ASK.query}).status_code for _ in range(6)]
    assert statuses == [200] * 6


def test_an_unknown_function_is_400_not_500(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o FILTER(<urn:x:f>(?o)) }"})
    assert response.status_code == 400
    assert "<urn:x:f> is not supported" in response.text


# ---------------------------------------------------------------- threads of one query process


def values_square(side: int) -> QueryJob:
    """Counts side x side rows of two VALUES blocks: time grows with side**2, whatever the graph."""
    values = " ".join(str(number) for number in range(side))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} VALUES ?y {{ {values} }} }}"
    return QueryJob(query=query, solutions_format="JSON", graph_format=None)


def side_taking(seconds: float) -> int:
    """A values_square side that Oxigraph counts in about `seconds` on this machine (measured in process)."""
    from pyoxigraph import Store

    store, side = Store(), 200
    while True:
        started = time.monotonic()
        list(store.query(values_square(side).query))
        took = time.monotonic() - started
        if took >= seconds / 4 or side > 20_000:
            return int(side * (seconds / max(took, 1e-6)) ** 0.5)
        side *= 2


def test_one_process_answers_beside_a_runaway_and_its_neighbours_outlive_the_kill(store_dir: Path) -> None:
    """Two threads of one process: an ASK is answered while a runaway holds the other thread; a count
    started when the runaway has run 0.6 of its time, and taking about that long itself, is running when
    the runaway's process is killed, and gets its right answer all the same (tried again in the
    replacement)."""
    timeout = 3.0
    pool = QueryPool(
        store_dir,
        size=1,
        threads=2,
        timeout=timeout,
        queue_timeout=10.0,
        max_result_bytes=1024 * 1024,
        memory_bytes=512 * 1024 * 1024,
        memory_copy=False,
    )
    pool.start()
    outcomes: dict[str, object] = {}

    def run(name: str, job: QueryJob) -> None:
        try:
            outcomes[name] = pool.run(job)
        except Exception as error:
            outcomes[name] = error

    try:
        side = side_taking(0.6 * timeout)
        runaway = threading.Thread(target=run, args=("runaway", ENDLESS))
        started = time.monotonic()
        runaway.start()
        poll_until(lambda: pool.stats().busy == 1, timeout=10.0, message="the runaway never started")
        answered = time.monotonic()
        assert pool.run(ASK).body == TRUE
        assert time.monotonic() - answered < timeout / 2, "the second thread answers while the first runs"
        poll_until(
            lambda: time.monotonic() - started >= 0.6 * timeout,
            timeout=timeout,
            message="the runaway's time never came",
        )
        neighbour = threading.Thread(target=run, args=("neighbour", values_square(side)))
        neighbour.start()
        runaway.join(timeout=30)
        neighbour.join(timeout=60)
        assert isinstance(outcomes["runaway"], QueryTimeout), outcomes
        counted = outcomes["neighbour"]
        assert not isinstance(counted, Exception), counted
        assert f'"value":"{side * side}"'.encode() in counted.body  # type: ignore[attr-defined]
        assert pool.run(ASK).body == TRUE
        assert pool.stats() == PoolStats(size=1, alive=1, busy=0, waiting=0)
    finally:
        pool.close()
