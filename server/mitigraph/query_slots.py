"""Query processes and the pipes to them, as the query pool holds them, and how the pool waits on a pipe.

A query process answers on several pipes at once, one answering thread each, from one copy of the store:
each pipe is a slot the pool leases to one query at a time. Kept apart from the pool's bookkeeping
(query_pool): starting, stopping and telling whether processes still run, without waiting; and waiting on
an event loop for an answer without a thread.
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import TYPE_CHECKING

from mitigraph.query_jobs import (
    QueryError,
    QueryFailed,
    QueryOutOfMemory,
    QueryRejected,
    out_of_memory_message,
)

if TYPE_CHECKING:
    from mitigraph.query_process import ProcessLimits

STOP_TIMEOUT = 5.0
"""Seconds to wait for a killed query process to be reaped."""
ENDED_JOIN_TIMEOUT = 0.5
"""Seconds to wait for a process that closed its pipe before it was ready, to learn its exit code."""


@dataclass(eq=False)
class QueryProcess:
    """One running query process; compared by identity. Its slots share its life: when it is stopped
    (killed for a query past its time, or found ended), every slot of it is stale and is dropped by
    whoever holds it next, and `replaced` tells a query that was running there to try again."""

    process: SpawnProcess
    stopped: bool = False
    replaced: bool = False
    """Stopped by the pool for one query (past its time, or given up), so its other queries were not at
    fault and are tried again."""
    busy: int = 0
    """Queries it is answering now."""
    busy_at_end: int | None = None
    """How many queries it was answering when the first of them saw it end: one means that query ended it."""
    stopping: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """Makes `stop` happen once, whoever asks first."""
    counting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def begin(self) -> None:
        """A query was handed to this process."""
        with self.counting:
            self.busy += 1

    def end(self) -> None:
        """A query got its answer, or ran past its time."""
        with self.counting:
            self.busy -= 1

    def ended_under_others(self) -> bool:
        """For a query that saw this process end: whether other queries were running here when it ended
        (so this one may not be what ended it). The first query to see the end records how many ran."""
        with self.counting:
            if self.busy_at_end is None:
                self.busy_at_end = self.busy
            self.busy -= 1
            return self.busy_at_end > 1


@dataclass(eq=False)
class Slot:
    """One pipe to a query process, leased to one query at a time; compared by identity."""

    owner: QueryProcess
    connection: Connection
    ready: bool = False
    closed: bool = False
    closing: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """Makes `close` happen once: closing a pipe twice could close a descriptor since reused elsewhere."""

    @property
    def stale(self) -> bool:
        return self.owner.stopped


@dataclass(eq=False)
class Lease:
    """The slot a request holds; replacing a dead process swaps the slot in place."""

    slot: Slot


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


class FreeSlots:
    """The slots free for a query; a stale one (its process stopped) is dropped when it comes up."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Slot] = queue.Queue()

    def put(self, slot: Slot) -> None:
        self._queue.put(slot)

    def take(self, *, within: float | None) -> Slot | None:
        """The next current slot, without waiting (`within` None) or waiting at most `within` seconds;
        None when there is none in time."""
        deadline = None if within is None else time.monotonic() + within
        while True:
            try:
                if deadline is None:
                    slot = self._queue.get_nowait()
                else:
                    slot = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if not slot.stale:
                return slot
            close(slot)

    def close_all(self) -> None:
        while (slot := self.take(within=None)) is not None:
            close(slot)


def spawn(context: SpawnContext, store_dir: Path, *, threads: int, limits: ProcessLimits) -> list[Slot]:
    """Start a query process answering on `threads` pipes; its slots, not yet ready."""
    from mitigraph.query_process import serve_queries

    pipes = [context.Pipe() for _ in range(threads)]
    process = context.Process(
        target=serve_queries,
        args=(str(store_dir), [child_end for _, child_end in pipes], limits),
        name="mitigraph-query",
        daemon=True,
    )
    process.start()
    for _, child_end in pipes:
        child_end.close()
    owner = QueryProcess(process=process)
    return [Slot(owner=owner, connection=parent_end) for parent_end, _ in pipes]


def read_ready(slot: Slot, *, timeout: float) -> str | None:
    """Wait for the slot's first message and mark it ready; or say why its process could not start."""
    try:
        if not slot.connection.poll(timeout):
            return f"not ready within {timeout:g} s"
        status, payload = slot.connection.recv()
    except (EOFError, OSError) as error:
        slot.owner.process.join(timeout=ENDED_JOIN_TIMEOUT)
        code = slot.owner.process.exitcode
        return f"it ended before it was ready (exit code {code}; {error or type(error).__name__})"
    if status != "ready":
        return str(payload)
    slot.ready = True
    return None


def ending_error(exit_code: int | None, *, memory_bytes: int, closing: bool) -> QueryError:
    """What a query process's death during a query means for the user, by how it ended."""
    if closing:
        return QueryFailed("the server is shutting down")
    if exit_code == -signal.SIGSEGV:
        return QueryRejected("the query nests or chains too deeply for the engine to evaluate; simplify it")
    if exit_code in (-signal.SIGABRT, -signal.SIGKILL):
        return QueryOutOfMemory(out_of_memory_message(memory_bytes))
    return QueryFailed("the query process failed")


def stop(owner: QueryProcess) -> None:
    """Kill the process and reap it, once, whoever asks first. Its pipes are closed by their holders
    (`close`), never here: another thread may be waiting on one of them."""
    with owner.stopping:
        if owner.stopped:
            return
        owner.stopped = True
    owner.process.kill()
    owner.process.join(timeout=STOP_TIMEOUT)


def close(slot: Slot) -> None:
    """Close the slot's pipe, once."""
    with slot.closing:
        if slot.closed:
            return
        slot.closed = True
    slot.connection.close()


def count_running(owners: list[QueryProcess]) -> int:
    """How many of these processes still run, read from their sentinels (never reaps, never blocks)."""
    try:
        ended = wait([owner.process.sentinel for owner in owners], timeout=0)
    except (OSError, ValueError):
        return sum(owner.process.exitcode is None for owner in owners)
    return len(owners) - len(ended)


async def readable(connection: Connection, *, timeout: float) -> bool:
    """Wait on the running event loop until the pipe has something to read (an answer, or its end because
    the process died); False when `timeout` seconds pass first.

    uvloop (libuv) makes a descriptor non-blocking when it watches it; the pipe is made blocking again, or
    reading an answer longer than one write (over 16 KiB) would fail half-way with EAGAIN.
    """
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    descriptor = connection.fileno()

    def settle(answered: bool) -> None:
        if not ready.done():
            ready.set_result(answered)

    loop.add_reader(descriptor, settle, True)
    timer = loop.call_later(timeout, settle, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(descriptor)
        os.set_blocking(descriptor, True)
