"""User queries run in a small pool of sandboxed processes, so a query past its limits can really be stopped.

pyoxigraph cannot cancel a running query from another thread, so each user query is handed to a query
process (`query_process`) that is sandboxed (`sandbox`: no network, no writes, a memory cap) and has the
store open read-only. When a query runs past its time the process is killed and replaced, and the caller
gets QueryTimeout; when it runs past its memory the process aborts and the caller gets QueryOutOfMemory.
Results are serialised inside the query process by Oxigraph's own writers and stopped past their byte
limit. `run_async` is `run` on an event loop: a free, ready process gets the job at once and the loop
waits on the pipe, with no thread; otherwise (none free, one starting) the exchange runs in a thread.

A process is checked before it is handed a query: one found dead (killed, crashed) is replaced first, and
a new one is used only once it has said it is ready, so a kill never costs a user an error. Waiting for a
free process is bounded (`queue_timeout`, then PoolBusy). The pool never reads the query: refusing
SERVICE and the like is the callers' job (`query_guard`), and the sandbox holds whatever gets past them.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from anyio import to_thread

from mitigraph.query_jobs import (
    NoAcceptableFormat,
    PoolBusy,
    QueryError,
    QueryFailed,
    QueryJob,
    QueryOutOfMemory,
    QueryRejected,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ResultKind,
    ResultTooLarge,
    out_of_memory_message,
    result_or_raise,
)
from mitigraph.query_slots import Lease, Slot, count_running, readable, stop

if TYPE_CHECKING:
    from mitigraph.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "NoAcceptableFormat",
    "PoolBusy",
    "PoolStats",
    "QueryError",
    "QueryFailed",
    "QueryJob",
    "QueryOutOfMemory",
    "QueryPool",
    "QueryRejected",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "ResultKind",
    "ResultTooLarge",
]
STARTUP_TIMEOUT = 60.0
"""Seconds a new query process may take to import, sandbox itself and open the store."""
INLINE_SEND_CHARS = 16 * 1024
"""A job whose query is at most this long is sent from the event loop: it fits the pipe's buffer at once."""


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of the pool, taken without waiting for it: what /health reports."""

    size: int
    alive: int
    """Query processes running (answering, idle or starting)."""
    busy: int
    """Queries being answered."""
    waiting: int
    """Queries waiting for a free query process."""


class QueryPool:
    """A fixed number of query processes over one read-only on-disk store, used by many request threads."""

    def __init__(
        self,
        store_dir: Path,
        *,
        size: int,
        timeout: float,
        queue_timeout: float,
        max_result_bytes: int,
        memory_bytes: int,
        memory_copy: bool,
        unsandboxed: bool = False,
    ) -> None:
        """`memory_copy`: each query process copies the store into memory (see memory_copy_max_triples)."""
        from mitigraph.query_process import ProcessLimits

        self._store_dir = Path(store_dir)
        self._size = size
        self._timeout = timeout
        self._queue_timeout = queue_timeout
        self._memory_bytes = memory_bytes
        self._limits = ProcessLimits(
            max_result_bytes=max_result_bytes,
            memory_bytes=memory_bytes,
            memory_copy=memory_copy,
            unsandboxed=unsandboxed,
        )
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[Slot] = queue.Queue()
        self._slots: set[Slot] = set()
        self._lock = threading.Lock()
        self._busy = 0
        self._waiting = 0
        self._closed = False

    @classmethod
    def from_settings(cls, store_dir: Path, settings: Settings, *, memory_copy: bool) -> QueryPool:
        return cls(
            store_dir,
            size=settings.query_workers,
            timeout=settings.query_timeout,
            queue_timeout=settings.queue_timeout,
            max_result_bytes=settings.max_result_bytes,
            memory_bytes=settings.query_memory,
            memory_copy=memory_copy,
            unsandboxed=settings.unsandboxed,
        )

    def start(self) -> None:
        """Start every query process and wait until each is ready; raise QueryFailed if one cannot start."""
        leases = [Lease(self._spawn()) for _ in range(self._size)]
        try:
            for lease in leases:
                self._make_ready(lease)
        except QueryError:
            self.close()
            raise
        log.info("%d query process(es) ready", self._size)
        for lease in leases:
            self._idle.put(lease.slot)

    def close(self) -> None:
        """Stop every query process, busy or idle."""
        with self._lock:
            self._closed = True
            slots = list(self._slots)
            self._slots.clear()
        for slot in slots:
            stop(slot)

    def alive(self) -> bool:
        """Every query process is running."""
        stats = self.stats()
        return not self._closed and stats.alive == stats.size

    def stats(self) -> PoolStats:
        """Counts of processes and queries; never waits for a query process (safe on an event loop)."""
        with self._lock:
            slots = list(self._slots)
            busy, waiting = self._busy, self._waiting
        return PoolStats(size=self._size, alive=count_running(slots), busy=busy, waiting=waiting)

    def run(self, job: QueryJob) -> QueryResult:
        """Run one query in a free query process; raise a QueryError subclass when it cannot be answered.

        Waiting for a free process is bounded by `queue_timeout`, running the query by `timeout`.
        """
        lease = Lease(self._take())
        try:
            outcome = self._exchange(lease, job)
        finally:
            self._give_back(lease.slot)
        if outcome[0] == "error":
            log.error("query failed (%s): %.200r", outcome[1], job.query)
        return result_or_raise(outcome, memory_bytes=self._memory_bytes)

    async def run_async(self, job: QueryJob) -> QueryResult:
        """`run` for a caller on an event loop, with the same limits and errors."""
        slot = self._take_now()
        if slot is None:
            return await to_thread.run_sync(self.run, job)
        lease = Lease(slot)
        settled = False
        try:
            if slot.ready and len(job.query) <= INLINE_SEND_CHARS and count_running([slot]) == 1:
                outcome = await self._exchange_on_loop(lease, job)
            else:
                outcome = await to_thread.run_sync(self._exchange, lease, job)
            settled = True
        finally:
            if not settled and lease.slot.ready:
                self._renew(lease, reason="was left with a query its caller gave up on")
            self._give_back(lease.slot)
        if outcome[0] == "error":
            log.error("query failed (%s): %.200r", outcome[1], job.query)
        return result_or_raise(outcome, memory_bytes=self._memory_bytes)

    async def _exchange_on_loop(self, lease: Lease, job: QueryJob) -> tuple[str, object]:
        """`_exchange` without a thread: send, wait for the pipe to become readable, read the answer."""
        connection = lease.slot.connection
        try:
            connection.send(job)
        except OSError:
            return await to_thread.run_sync(self._exchange, lease, job)
        started = time.monotonic()
        if not await readable(connection, timeout=self._timeout):
            log.warning("query stopped after %.1f s: %.200r", time.monotonic() - started, job.query)
            await to_thread.run_sync(lambda: self._renew(lease, reason="ran past its time"))
            raise QueryTimeout(f"stopped after {self._timeout:g} s")
        try:
            outcome: tuple[str, object] = connection.recv()
        except (EOFError, OSError) as error:
            ended = lease.slot
            await to_thread.run_sync(lambda: self._renew(lease, reason="ended during a query"))
            raise self._ending_error(ended, job) from error
        return outcome

    def _take_now(self) -> Slot | None:
        """A free process if there is one now (counted busy), else None."""
        try:
            slot = self._idle.get_nowait()
        except queue.Empty:
            return None
        with self._lock:
            self._busy += 1
        return slot

    def _take(self) -> Slot:
        with self._lock:
            self._waiting += 1
        try:
            slot = self._idle.get(timeout=self._queue_timeout)
        except queue.Empty:
            raise PoolBusy(f"every query process stayed busy for {self._queue_timeout:g} s") from None
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            self._busy += 1
        return slot

    def _give_back(self, slot: Slot) -> None:
        with self._lock:
            self._busy -= 1
            closed = self._closed
        if closed:
            stop(slot)
        else:
            self._idle.put(slot)

    def _exchange(self, lease: Lease, job: QueryJob) -> tuple[str, object]:
        self._send(lease, job)
        started = time.monotonic()
        if not lease.slot.connection.poll(self._timeout):
            log.warning("query stopped after %.1f s: %.200r", time.monotonic() - started, job.query)
            self._renew(lease, reason="ran past its time")
            raise QueryTimeout(f"stopped after {self._timeout:g} s")
        try:
            outcome: tuple[str, object] = lease.slot.connection.recv()
        except (EOFError, OSError) as error:
            ended = lease.slot
            self._renew(lease, reason="ended during a query")
            raise self._ending_error(ended, job) from error
        return outcome

    def _send(self, lease: Lease, job: QueryJob) -> None:
        """Hand the job to a ready process; one that ended before it could read it is replaced once."""
        for attempt in (1, 2):
            self._make_ready(lease)
            try:
                lease.slot.connection.send(job)
                return
            except OSError as error:
                self._renew(lease, reason="ended before it was sent a query")
                if attempt == 2:
                    raise QueryFailed("the query process failed") from error

    def _make_ready(self, lease: Lease) -> None:
        """Make sure the leased process runs and has said it is ready; replace it first when it has died."""
        if count_running([lease.slot]) == 0:
            self._renew(lease, reason=f"was found ended (exit code {lease.slot.process.exitcode})")
        if lease.slot.ready:
            return
        connection = lease.slot.connection
        try:
            if not connection.poll(STARTUP_TIMEOUT):
                raise EOFError(f"not ready within {STARTUP_TIMEOUT:g} s")
            status, payload = connection.recv()
        except (EOFError, OSError) as error:
            self._renew(lease, reason=f"could not start: {error}")
            raise QueryFailed("a query process could not start") from error
        if status != "ready":
            log.error("query process %s could not start: %s", lease.slot.process.pid, payload)
            self._renew(lease, reason="could not start")
            raise QueryFailed(f"a query process could not start: {payload}")
        lease.slot.ready = True

    def _renew(self, lease: Lease, *, reason: str) -> None:
        """Stop the leased process and lease a new one in its place (not yet ready)."""
        old = lease.slot
        log.warning("query process %s %s; starting another", old.process.pid, reason)
        with self._lock:
            self._slots.discard(old)
            closed = self._closed
        stop(old)
        if closed:
            raise QueryFailed("the server is shutting down")
        lease.slot = self._spawn()

    def _spawn(self) -> Slot:
        from mitigraph.query_process import serve_queries

        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=serve_queries,
            args=(str(self._store_dir), child_end, self._limits),
            name="mitigraph-query",
            daemon=True,
        )
        process.start()
        child_end.close()
        slot = Slot(process=process, connection=parent_end)
        with self._lock:
            self._slots.add(slot)
        return slot

    def _ending_error(self, slot: Slot, job: QueryJob) -> QueryError:
        """What a query process's death during a query means for the user, by how it ended."""
        code = slot.process.exitcode
        log.warning("query process %s ended with %s during %.200r", slot.process.pid, code, job.query)
        if self._closed:
            return QueryFailed("the server is shutting down")
        if code == -signal.SIGSEGV:
            return QueryRejected(
                "the query nests or chains too deeply for the engine to evaluate; simplify it"
            )
        if code in (-signal.SIGABRT, -signal.SIGKILL):
            return QueryOutOfMemory(out_of_memory_message(self._memory_bytes))
        return QueryFailed("the query process failed")
