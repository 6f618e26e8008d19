"""User queries run in a few sandboxed query processes, so a query past its limits can really be stopped.

pyoxigraph cannot cancel a running query from another thread, so each query goes to a query process
(`query_process`: sandboxed, store read-only) that answers `threads` queries at once, one per pipe (a
slot), from one copy of the store. A query past its time gets QueryTimeout and its process is killed and
replaced; the others it was answering are tried once more in the new one. A process that ends by itself
(past its memory, a stack overflow) gives its query the error that means, unless others ran there, any of
which may have ended it: each is then tried once more. Results are written by Oxigraph's own writers in
the query process and stopped past their byte limit. `run_async` is `run` on an event loop: a free, ready
slot gets the job at once and the loop waits on the pipe; otherwise the exchange runs in a thread.

A process that died idle is found by the send (a pipe without a reader fails at once) and replaced before
the query runs; a new one is used once it has said it is ready. Waiting for a free slot is bounded
(`queue_timeout`, then PoolBusy). Refusing SERVICE and the like is the callers' job (`query_guard`).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from pathlib import Path

from anyio import to_thread

from mitigraph.query_jobs import (
    PoolBusy,
    QueryError,
    QueryFailed,
    QueryJob,
    QueryResult,
    QueryTimeout,
    decode_outcome,
    result_or_raise,
)
from mitigraph.query_slots import (
    FreeSlots,
    Lease,
    PoolStats,
    QueryProcess,
    Slot,
    close,
    count_running,
    ending_error,
    read_ready,
    readable,
    spawn,
    stop,
)
from mitigraph.settings import Settings

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 60.0
"""Seconds a new query process may take to import, sandbox itself and open the store."""
INLINE_SEND_CHARS = 16 * 1024
"""A job whose query is at most this long is sent from the event loop: it fits the pipe's buffer at once."""


class QueryPool:
    """`size` query processes of `threads` answering threads each, over one read-only on-disk store, used by
    many requests: each thread's pipe (a slot) answers one query at a time."""

    def __init__(
        self,
        store_dir: Path,
        *,
        size: int,
        threads: int = 1,
        timeout: float,
        queue_timeout: float,
        max_result_bytes: int,
        memory_bytes: int,
        memory_copy: bool,
        unsandboxed: bool = False,
    ) -> None:
        """`memory_copy`: each query process copies the store into memory once, for all its threads."""
        from mitigraph.query_process import ProcessLimits

        self._store_dir = Path(store_dir)
        self._size = size
        self._threads = threads
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
        self._free = FreeSlots()
        self._processes: set[QueryProcess] = set()
        self._lock = threading.Lock()
        self._busy = 0
        self._waiting = 0
        self._closed = False
        self._launched: list[Lease] = []

    @classmethod
    def from_settings(cls, store_dir: Path, settings: Settings, *, memory_copy: bool) -> QueryPool:
        return cls(
            store_dir,
            size=settings.query_workers,
            threads=settings.query_threads,
            timeout=settings.query_timeout,
            queue_timeout=settings.queue_timeout,
            max_result_bytes=settings.max_result_bytes,
            memory_bytes=settings.query_memory,
            memory_copy=memory_copy,
            unsandboxed=settings.unsandboxed,
        )

    def launch(self) -> None:
        """Start the query processes without waiting for them, so they boot while the caller does other
        work (a web worker loads its site); `start` then waits until they are ready."""
        if not self._launched:
            self._launched = [Lease(slot) for _ in range(self._size) for slot in self._spawn()]

    def start(self) -> None:
        """Start every query process (unless launched) and wait until each is ready; raise QueryFailed if
        one cannot start."""
        self.launch()
        leases, self._launched = self._launched, []
        try:
            for lease in leases:
                self._make_ready(lease)
        except QueryError:
            self.close()
            raise
        log.info("%d query process(es) x %d thread(s) ready", self._size, self._threads)
        for lease in leases:
            self._free.put(lease.slot)

    def close(self) -> None:
        """Stop every query process, busy or idle."""
        with self._lock:
            self._closed = True
            processes = list(self._processes)
            self._processes.clear()
        for owner in processes:
            stop(owner)
        self._free.close_all()

    def stats(self) -> PoolStats:
        """Counts of processes and queries; never waits for a query process (safe on an event loop)."""
        with self._lock:
            processes = list(self._processes)
            busy, waiting = self._busy, self._waiting
        return PoolStats(size=self._size, alive=count_running(processes), busy=busy, waiting=waiting)

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
            if slot.ready and len(job.query) <= INLINE_SEND_CHARS:
                outcome = await self._exchange_on_loop(lease, job)
            else:
                outcome = await to_thread.run_sync(self._exchange, lease, job)
            settled = True
        finally:
            if not settled and lease.slot.ready:
                lease.slot.owner.replaced = True
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
        owner = lease.slot.owner
        owner.begin()
        started = time.monotonic()
        if not await readable(connection, timeout=self._timeout):
            owner.end()
            await to_thread.run_sync(self._stop_runaway, lease, job, started)
            raise QueryTimeout(f"stopped after {self._timeout:g} s")
        try:
            outcome = decode_outcome(connection.recv_bytes())
        except (EOFError, OSError) as error:
            retry = await to_thread.run_sync(self._after_ending, lease, job, error, False)
            assert retry
            return await to_thread.run_sync(self._exchange, lease, job, True)
        owner.end()
        return outcome

    def _take_now(self) -> Slot | None:
        """A free slot if there is one now (counted busy), else None."""
        slot = self._free.take(within=None)
        if slot is not None:
            with self._lock:
                self._busy += 1
        return slot

    def _take(self) -> Slot:
        with self._lock:
            self._waiting += 1
        try:
            slot = self._take_idle()
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            self._busy += 1
        return slot

    def _take_idle(self) -> Slot:
        slot = self._free.take(within=self._queue_timeout)
        if slot is None:
            raise PoolBusy(f"every query process stayed busy for {self._queue_timeout:g} s")
        return slot

    def _give_back(self, slot: Slot) -> None:
        with self._lock:
            self._busy -= 1
            closed = self._closed
        if closed:
            stop(slot.owner)
            close(slot)
        elif slot.stale:
            close(slot)
        else:
            self._free.put(slot)

    def _exchange(self, lease: Lease, job: QueryJob, retried: bool = False) -> tuple[str, object]:
        """Send the job and wait for its answer; a query that was running where another ended its process
        is tried once more, in a new one (_after_ending)."""
        self._send(lease, job)
        owner = lease.slot.owner
        owner.begin()
        started = time.monotonic()
        if not lease.slot.connection.poll(self._timeout):
            owner.end()
            self._stop_runaway(lease, job, started)
            raise QueryTimeout(f"stopped after {self._timeout:g} s")
        try:
            outcome = decode_outcome(lease.slot.connection.recv_bytes())
        except (EOFError, OSError) as error:
            if self._after_ending(lease, job, error, retried):
                return self._exchange(lease, job, retried=True)
            raise AssertionError("unreachable") from error
        owner.end()
        return outcome

    def _stop_runaway(self, lease: Lease, job: QueryJob, started: float) -> None:
        """End the process of a query past its time; its other queries are tried again elsewhere."""
        log.warning("query stopped after %.1f s: %.200r", time.monotonic() - started, job.query)
        lease.slot.owner.replaced = True
        self._renew(lease, reason="ran past its time")

    def _after_ending(self, lease: Lease, job: QueryJob, error: BaseException, retried: bool) -> bool:
        """The process ended during the query: replace it, then say to try once more (True) when the query
        may not be what ended it (the pool ended it for another, or others were running there), else raise
        what the way it ended means."""
        ended = lease.slot
        owner = ended.owner
        shared = owner.ended_under_others()
        self._renew(lease, reason="ended during a query")
        if not retried and (owner.replaced or shared):
            log.warning(
                "query process %s ended beside other queries; trying again: %.200r",
                owner.process.pid,
                job.query,
            )
            return True
        raise self._ending_error(ended, job) from error

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
        """Make sure the leased slot's process is current and has said it is ready. One that died while
        idle is found by the send itself (a pipe without a reader fails at once) and replaced (_send)."""
        if lease.slot.stale:
            self._renew(lease, reason=f"was found ended (exit code {lease.slot.owner.process.exitcode})")
        if lease.slot.ready:
            return
        problem = read_ready(lease.slot, timeout=STARTUP_TIMEOUT)
        if problem is not None:
            log.error("query process %s could not start: %s", lease.slot.owner.process.pid, problem)
            self._renew(lease, reason="could not start")
            raise QueryFailed(f"a query process could not start: {problem}")

    def _renew(self, lease: Lease, *, reason: str) -> None:
        """Stop the leased slot's process and lease a slot of its replacement (not yet ready): the first to
        renew a process starts the new one, whose other slots go to the free ones; a later caller takes
        a free slot."""
        old = lease.slot
        with self._lock:
            first = old.owner in self._processes
            self._processes.discard(old.owner)
            closed = self._closed
        if first:
            log.warning("query process %s %s; starting another", old.owner.process.pid, reason)
        stop(old.owner)
        close(old)
        if closed:
            raise QueryFailed("the server is shutting down")
        if not first:
            lease.slot = self._take_idle()
            return
        lease.slot, *others = self._spawn()
        for slot in others:
            self._free.put(slot)

    def _spawn(self) -> list[Slot]:
        slots = spawn(self._context, self._store_dir, threads=self._threads, limits=self._limits)
        with self._lock:
            self._processes.add(slots[0].owner)
        return slots

    def _ending_error(self, slot: Slot, job: QueryJob) -> QueryError:
        code = slot.owner.process.exitcode
        log.warning("query process %s ended with %s during %.200r", slot.owner.process.pid, code, job.query)
        return ending_error(code, memory_bytes=self._memory_bytes, closing=self._closed)
