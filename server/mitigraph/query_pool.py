"""User queries run in a small pool of processes, so a query past its time can really be stopped.

pyoxigraph cannot cancel a running query from another thread, so each user query is handed to a query
process that has the store open read-only; when the query runs past its time the process is killed and
replaced, and the caller gets QueryTimeout. Results are serialised inside the query process by Oxigraph's
own writers, through a writer that stops the query once the result grows past its byte limit.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

ResultKind = Literal["solutions", "graph"]


@dataclass(frozen=True)
class QueryJob:
    """A query and the result formats negotiated for each kind of answer it might give.

    `solutions_format` names a `pyoxigraph.QueryResultsFormat` (SELECT, ASK) and `graph_format` a
    `pyoxigraph.RdfFormat` (CONSTRUCT, DESCRIBE); None means the client accepts no format of that kind.
    """

    query: str
    solutions_format: str | None
    graph_format: str | None


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    kind: ResultKind


class QueryError(Exception):
    """A query could not be answered; subclasses say why, and every message is safe to show a user."""


class QuerySyntaxError(QueryError):
    """Oxigraph could not parse the query; the message is Oxigraph's."""


class NoAcceptableFormat(QueryError):
    """The query's kind of result (solutions or a graph) has no format the client accepts."""

    def __init__(self, kind: ResultKind) -> None:
        self.kind = kind
        super().__init__(f"no acceptable format for {kind}")


class QueryTimeout(QueryError):
    """The query ran past its time and was stopped."""


class PoolBusy(QueryError):
    """Every query process stayed busy for the whole time a query may take."""


class ResultTooLarge(QueryError):
    """The serialised result grew past the byte limit and the query was stopped."""


class QueryFailed(QueryError):
    """The query process failed in a way the user cannot fix; details are in the log, not the message."""


@dataclass(eq=False)
class _Slot:
    """One query process and the pipe to it; compared by identity."""

    process: SpawnProcess
    connection: Connection


class QueryPool:
    """A fixed number of query processes over one read-only on-disk store, used by many request threads."""

    def __init__(
        self, store_dir: Path, *, size: int, timeout: float, max_result_bytes: int, memory_copy: bool
    ) -> None:
        """`memory_copy`: each query process copies the store into memory (see memory_copy_max_triples)."""
        self._store_dir = Path(store_dir)
        self._memory_copy = memory_copy
        self._size = size
        self._timeout = timeout
        self._max_result_bytes = max_result_bytes
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Slot] = queue.Queue()
        self._all: set[_Slot] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        for _ in range(self._size):
            self._idle.put(self._spawn())

    def close(self) -> None:
        """Stop every query process, busy or idle."""
        with self._lock:
            self._closed = True
            slots = list(self._all)
            self._all.clear()
        for slot in slots:
            _stop(slot)

    def alive(self) -> bool:
        with self._lock:
            return not self._closed and len(self._all) == self._size

    def run(self, job: QueryJob) -> QueryResult:
        """Run one query in a free query process; raise a QueryError subclass when it cannot be answered.

        Waiting for a free process and running the query are each bounded by the query timeout.
        """
        try:
            slot = self._idle.get(timeout=self._timeout)
        except queue.Empty:
            raise PoolBusy("all query processes stayed busy") from None
        started = time.monotonic()
        try:
            slot.connection.send(job)
            if not slot.connection.poll(self._timeout):
                raise QueryTimeout(f"stopped after {self._timeout:g} s")
            outcome = slot.connection.recv()
        except QueryTimeout:
            log.warning("query stopped after %.1f s: %.200r", time.monotonic() - started, job.query)
            self._replace(slot)
            raise
        except (EOFError, OSError) as error:
            log.error("query process %s failed: %r", slot.process.pid, error)
            self._replace(slot)
            raise QueryFailed("the query process failed") from error
        self._idle.put(slot)
        return _result_or_raise(outcome)

    def _spawn(self) -> _Slot:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve_queries,
            args=(str(self._store_dir), child_end, self._max_result_bytes, self._memory_copy),
            name="mitigraph-query",
            daemon=True,
        )
        process.start()
        child_end.close()
        slot = _Slot(process=process, connection=parent_end)
        with self._lock:
            self._all.add(slot)
        return slot

    def _replace(self, slot: _Slot) -> None:
        with self._lock:
            self._all.discard(slot)
            closed = self._closed
        _stop(slot)
        if not closed:
            self._idle.put(self._spawn())


def _stop(slot: _Slot) -> None:
    slot.process.kill()
    slot.process.join(timeout=5)
    slot.connection.close()


def _result_or_raise(outcome: tuple[str, object]) -> QueryResult:
    status, payload = outcome
    if status == "ok":
        assert isinstance(payload, QueryResult)
        return payload
    if status == "syntax":
        raise QuerySyntaxError(str(payload))
    if status == "not_acceptable":
        raise NoAcceptableFormat("graph" if payload == "graph" else "solutions")
    if status == "too_large":
        raise ResultTooLarge(str(payload))
    raise QueryFailed("the query failed")


# ---------------------------------------------------------------- inside a query process


class _ResultTooLargeSignal(Exception):
    pass


class _LimitedBuffer:
    """A write target for Oxigraph's serialisers that stops the query once the result passes `limit`."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._chunks: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self._size += len(chunk)
        if self._size > self._limit:
            raise _ResultTooLargeSignal()
        self._chunks.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        """Serialisers may flush; everything is kept in memory until the query ends."""

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


def _serve_queries(store_dir: str, connection: Connection, max_result_bytes: int, memory_copy: bool) -> None:
    """The loop of one query process: receive a job, answer it, until the web worker goes away."""
    from pyoxigraph import Store

    serving = _ServingStore(Store.read_only(store_dir))
    if memory_copy:
        threading.Thread(target=serving.load_into_memory, name="memory-copy", daemon=True).start()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_answer(serving.current, job, max_result_bytes))


class _ServingStore:
    """The store a query process answers from: the read-only on-disk store at once, then a memory copy.

    Oxigraph answers 2-6x faster from memory than from its on-disk store, but copying a large store takes
    seconds; answering from disk meanwhile keeps start-up fast.
    """

    def __init__(self, on_disk: object) -> None:
        self.current = on_disk

    def load_into_memory(self) -> None:
        from pyoxigraph import RdfFormat, Store

        started = time.monotonic()
        copy = Store()
        copy.bulk_load(self.current.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)  # type: ignore[attr-defined]
        self.current = copy
        log.info(
            "query process %d answers from memory (copied in %.1f s)", os.getpid(), time.monotonic() - started
        )


def _answer(store: object, job: QueryJob, max_result_bytes: int) -> tuple[str, object]:
    from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat

    try:
        results = store.query(job.query)  # type: ignore[attr-defined]
        kind: ResultKind = "graph" if isinstance(results, QueryTriples) else "solutions"
        format_name = job.graph_format if kind == "graph" else job.solutions_format
        if format_name is None:
            return ("not_acceptable", kind)
        result_format = getattr(RdfFormat if kind == "graph" else QueryResultsFormat, format_name)
        buffer = _LimitedBuffer(max_result_bytes)
        results.serialize(buffer, format=result_format)
        return ("ok", QueryResult(body=buffer.getvalue(), kind=kind))
    except SyntaxError as error:
        return ("syntax", str(error))
    except _ResultTooLargeSignal:
        return ("too_large", f"the result is larger than {max_result_bytes} bytes")
    except Exception as error:
        if isinstance(error.__context__, _ResultTooLargeSignal) or isinstance(
            error.__cause__, _ResultTooLargeSignal
        ):
            return ("too_large", f"the result is larger than {max_result_bytes} bytes")
        log.exception("query failed: %.200r", job.query)
        return ("error", type(error).__name__)
