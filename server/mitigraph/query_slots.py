"""One query process and the pipe to it, as the query pool holds them, and how the pool waits on that pipe.

Kept apart from the pool's bookkeeping (query_pool): starting, stopping and telling whether processes still
run, without waiting; and waiting on an event loop for an answer without a thread.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnProcess

STOP_TIMEOUT = 5.0
"""Seconds to wait for a killed query process to be reaped."""


@dataclass(eq=False)
class Slot:
    """One query process and the pipe to it; compared by identity."""

    process: SpawnProcess
    connection: Connection
    ready: bool = False
    stopped: bool = False
    stopping: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """Makes `stop` happen once: the pool's close and a request whose process died may both stop a slot,
    and closing a pipe twice could close a descriptor the process has since reused for something else."""


@dataclass(eq=False)
class Lease:
    """The slot a request holds; replacing a dead process swaps the slot in place."""

    slot: Slot


def stop(slot: Slot) -> None:
    """Kill the process and close its pipe, once, whoever asks first."""
    with slot.stopping:
        if slot.stopped:
            return
        slot.stopped = True
    slot.process.kill()
    slot.process.join(timeout=STOP_TIMEOUT)
    slot.connection.close()


def count_running(slots: list[Slot]) -> int:
    """How many of these processes still run, read from their sentinels (never reaps, never blocks)."""
    try:
        ended = wait([slot.process.sentinel for slot in slots], timeout=0)
    except (OSError, ValueError):
        return sum(slot.process.exitcode is None for slot in slots)
    return len(slots) - len(ended)


async def readable(connection: Connection, *, timeout: float) -> bool:
    """Wait on the running event loop until the pipe has something to read (an answer, or its end because
    the process died); False when `timeout` seconds pass first.

    uvloop (libuv) makes a descriptor non-blocking when it watches it; the pipe is made blocking again, or
    reading an answer longer than one write (over 16 KiB) would fail half-way with EAGAIN.
    """
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    descriptor = connection.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(descriptor, wake)
    try:
        await asyncio.wait_for(ready, timeout)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(descriptor)
        os.set_blocking(descriptor, True)
    return True
