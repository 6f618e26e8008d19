"""Inside a query process: confine it, open the store read-only, then answer one job at a time.

The web worker (`query_pool.QueryPool`) starts these processes and talks to each through a pipe. The first
message a process sends says whether it is ready (sandboxed, store open) or why it could not start; after
that, one answer per job. Jobs are received and evaluated on one thread with a large stack: Oxigraph's
parser and evaluator recurse once per level of nesting or per link of a long chain (`?a || ?a || ...`,
a thousand BINDs, object lists), and on the main thread's 8 MiB stack some queries of a few kilobytes
overflow it (measured: 3,000 chained BINDs, 10,000 `!`). On 128 MiB, every chain that fits in the
256 KiB query limit was evaluated or ran out of time instead; deeper bracket nesting is refused before it
gets here (`query_guard`), and a process that still overflows dies alone and is replaced by the pool.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from mitigraph.query_jobs import QueryJob, QueryResult, ResultKind
from mitigraph.sandbox import SandboxUnavailable, confine

log = logging.getLogger(__name__)

EVALUATION_STACK_BYTES = 128 * 1024 * 1024
"""Stack of the thread that evaluates a query; reserved on top of the memory cap, touched only by deep
queries (thread stacks count towards RLIMIT_DATA, so the cap is raised by this much)."""

COPY_BYTES_PER_DUMPED_BYTE = 8
"""An in-memory copy takes up to ~6x the bytes of its N-Quads dump (measured: 46 MB of N-Triples, 260 MB
of copy), rounded up."""


@dataclass(frozen=True)
class ProcessLimits:
    """What a query process is given when it starts."""

    max_result_bytes: int
    memory_bytes: int
    memory_copy: bool
    unsandboxed: bool


def serve_queries(store_dir: str, connection: Connection, limits: ProcessLimits) -> None:
    """The life of one query process: confine, open, say ready, answer jobs until the pipe closes."""
    try:
        confinement = confine(
            memory_bytes=limits.memory_bytes + EVALUATION_STACK_BYTES, unsandboxed=limits.unsandboxed
        )
    except SandboxUnavailable as error:
        connection.send(("failed", f"the query process cannot be sandboxed: {error}"))
        return
    from pyoxigraph import Store

    try:
        serving = _ServingStore(Store.read_only(store_dir))
    except OSError as error:
        connection.send(("failed", f"the query process cannot open the store at {store_dir}: {error}"))
        return
    if limits.memory_copy:
        threading.Thread(
            target=serving.load_into_memory, args=(limits.memory_bytes,), name="memory-copy", daemon=True
        ).start()
    threading.stack_size(EVALUATION_STACK_BYTES)
    answering = threading.Thread(
        target=_answer_jobs, args=(connection, serving, limits.max_result_bytes), name="answering"
    )
    connection.send(("ready", confinement))
    answering.start()
    answering.join()


def _answer_jobs(connection: Connection, serving: _ServingStore, max_result_bytes: int) -> None:
    """Receive a job, answer it, until the web worker goes away; on the large-stack thread."""
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        outcome = answer(serving.current, job, max_result_bytes)
        try:
            connection.send(outcome)
        except MemoryError:
            connection.send(("memory", "the answer did not fit in memory"))


class _ServingStore:
    """The store a query process answers from: the read-only on-disk store at once, then a memory copy.

    Oxigraph answers 2-6x faster from memory than from its on-disk store, but copying a large store takes
    seconds; answering from disk meanwhile keeps start-up fast. The copy is made with `load`, not
    `bulk_load`: the bulk loader reserves 200 MB up front, whatever the store's size, which a memory cap
    of a few hundred MB cannot give. A copy that would take more than half the cap is not made.
    """

    def __init__(self, on_disk: Any) -> None:
        self.current = on_disk

    def load_into_memory(self, memory_bytes: int) -> None:
        from pyoxigraph import RdfFormat, Store

        started = time.monotonic()
        dump = self.current.dump(format=RdfFormat.N_QUADS)
        if len(dump) * COPY_BYTES_PER_DUMPED_BYTE > memory_bytes // 2:
            log.warning(
                "query process %d answers from disk: a memory copy would not fit its cap", os.getpid()
            )
            return
        copy = Store()
        copy.load(dump, format=RdfFormat.N_QUADS)
        self.current = copy
        log.info(
            "query process %d answers from memory (copied in %.1f s)", os.getpid(), time.monotonic() - started
        )


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


def answer(store: Any, job: QueryJob, max_result_bytes: int) -> tuple[str, object]:
    """Evaluate one job: ("ok", QueryResult) or (status, message) for the pool to turn into an error.

    Errors Oxigraph raises while parsing or evaluating are the query's: a SyntaxError is malformed text;
    a ValueError, RuntimeError or OSError is something the query asks that cannot be done here (an unknown
    function, an invalid IRI, a SERVICE the sandbox cannot reach). The store is read-only and local, so
    none of these is the server's fault.
    """
    from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat

    too_large = f"the result is larger than {max_result_bytes} bytes"
    try:
        results = store.query(job.query, prefixes=dict(job.prefixes) or None)
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
        return ("too_large", too_large)
    except MemoryError:
        return ("memory", "the query ran out of memory")
    except OSError as error:
        if _caused_by(error, _ResultTooLargeSignal):
            return ("too_large", too_large)
        return (
            "rejected",
            f"the query asks for something outside this endpoint's graph, which query "
            f"processes cannot reach ({error})",
        )
    except (ValueError, RuntimeError) as error:
        if _caused_by(error, _ResultTooLargeSignal):
            return ("too_large", too_large)
        return ("rejected", str(error) or type(error).__name__)
    except Exception as error:
        if _caused_by(error, _ResultTooLargeSignal):
            return ("too_large", too_large)
        return ("error", f"{type(error).__name__}: {error}")


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    return isinstance(error.__context__, kind) or isinstance(error.__cause__, kind)
