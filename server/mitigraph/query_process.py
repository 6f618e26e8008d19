"""Inside a query process: confine it, open the store read-only, then answer jobs on several pipes at once.

The web worker (`query_pool.QueryPool`) starts these processes and talks to each through its pipes, one
answering thread per pipe, all reading one store: the read-only on-disk store at first, then (when the
pool asks for it) one copy in memory, so a process holds one copy however many queries it answers at once.
Oxigraph releases the GIL while it evaluates, so the threads evaluate in parallel. The first message on
each pipe says whether the process is ready (sandboxed, store open) or why it could not start; after that,
one answer per job. Each answering thread has a large stack: Oxigraph's parser and evaluator recurse once
per level of nesting or per link of a long chain (`?a || ?a || ...`, a thousand BINDs, object lists), and
on the main thread's 8 MiB stack some queries of a few kilobytes overflow it (measured: 3,000 chained
BINDs, 10,000 `!`). On 128 MiB, every chain that fits in the 256 KiB query limit was evaluated or ran out
of time instead; deeper bracket nesting is refused before it gets here (`query_guard`), and a process that
still overflows dies and is replaced by the pool.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from mitigraph.query_jobs import QueryJob, QueryResult, ResultKind, encode_outcome
from mitigraph.sandbox import SandboxUnavailable, confine

log = logging.getLogger(__name__)

EVALUATION_STACK_BYTES = 128 * 1024 * 1024
"""Stack of each thread that evaluates queries; reserved on top of the memory cap, touched only by deep
queries (thread stacks count towards RLIMIT_DATA, so the cap is raised by this much per thread)."""

COPY_BYTES_PER_TRIPLE = 512
"""Making an in-memory copy takes at most this much per triple (measured at 1.08 M triples, streamed from
the on-disk store: 479 MiB at the peak, 437 MiB once made), rounded up."""
COPY_SHARE_OF_CAP = 0.75
"""The most of a query process's memory cap that its copy may take; the queries of all its threads share
what is left."""
COPY_BUFFER_BYTES = 1024 * 1024
"""The pipe between the dump of the on-disk store and the load of the copy is read and written this much at
a time."""


@dataclass(frozen=True)
class ProcessLimits:
    """What a query process is given when it starts."""

    max_result_bytes: int
    memory_bytes: int
    memory_copy: bool
    unsandboxed: bool


def serve_queries(store_dir: str, connections: list[Connection], limits: ProcessLimits) -> None:
    """The life of one query process: confine, open, say ready on every pipe, answer jobs on each pipe in
    its own thread until the pipes close."""
    stacks = len(connections) * EVALUATION_STACK_BYTES
    try:
        confinement = confine(memory_bytes=limits.memory_bytes + stacks, unsandboxed=limits.unsandboxed)
    except SandboxUnavailable as error:
        _tell_all(connections, ("failed", f"the query process cannot be sandboxed: {error}"))
        return
    from pyoxigraph import Store

    try:
        serving = _ServingStore(Store.read_only(store_dir))
    except OSError as error:
        _tell_all(connections, ("failed", f"the query process cannot open the store at {store_dir}: {error}"))
        return
    if limits.memory_copy:
        threading.Thread(
            target=serving.load_into_memory, args=(limits.memory_bytes,), name="memory-copy", daemon=True
        ).start()
    threading.stack_size(EVALUATION_STACK_BYTES)
    answering = [
        threading.Thread(
            target=_answer_jobs,
            args=(connection, serving, limits.max_result_bytes),
            name=f"answering-{index}",
        )
        for index, connection in enumerate(connections)
    ]
    _tell_all(connections, ("ready", confinement))
    for thread in answering:
        thread.start()
    for thread in answering:
        thread.join()


def _tell_all(connections: list[Connection], message: tuple[str, object]) -> None:
    for connection in connections:
        try:
            connection.send(message)
        except OSError:
            continue


def _answer_jobs(connection: Connection, serving: _ServingStore, max_result_bytes: int) -> None:
    """Receive a job, answer it, until the web worker goes away; on the large-stack thread."""
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        outcome = answer(serving.current, job, max_result_bytes)
        try:
            connection.send_bytes(encode_outcome(*outcome))
        except MemoryError:
            connection.send_bytes(encode_outcome("memory", "the answer did not fit in memory"))


class _ServingStore:
    """The store a query process answers from: the read-only on-disk store at once, then a memory copy.

    Oxigraph answers 2-6x faster from memory than from its on-disk store, but copying a large store takes
    seconds; answering from disk meanwhile keeps start-up fast. The copy is streamed: one thread dumps the
    on-disk store into a pipe while `load` reads it, so no dump of the whole graph is ever held (at 1.08 M
    triples, 479 MiB at the peak against 699 MiB through a dump). It uses `load`, not `bulk_load`: the bulk
    loader reserves 200 MB up front, whatever the store's size, which a small memory cap cannot give. A
    copy that would take more than COPY_SHARE_OF_CAP of the cap is not made.
    """

    def __init__(self, on_disk: Any) -> None:
        self.current = on_disk

    def load_into_memory(self, memory_bytes: int) -> None:
        from pyoxigraph import RdfFormat, Store

        started = time.monotonic()
        on_disk = self.current
        triples = len(on_disk)
        if triples * COPY_BYTES_PER_TRIPLE > memory_bytes * COPY_SHARE_OF_CAP:
            log.warning(
                "query process %d answers from disk: a memory copy of %d triples would not fit its cap",
                os.getpid(),
                triples,
            )
            return
        reading, writing = os.pipe()
        failures: list[BaseException] = []

        def dump() -> None:
            try:
                with os.fdopen(writing, "wb", buffering=COPY_BUFFER_BYTES) as output:
                    on_disk.dump(output, format=RdfFormat.N_QUADS)
            except BaseException as error:  # the copy is then incomplete: kept from being used below
                failures.append(error)

        dumping = threading.Thread(target=dump, name="memory-copy-dump", daemon=True)
        dumping.start()
        copy = Store()
        try:
            with os.fdopen(reading, "rb", buffering=COPY_BUFFER_BYTES) as source:
                copy.load(source, format=RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as error:
            failures.append(error)
        dumping.join()
        if failures:
            log.warning(
                "query process %d answers from disk: the memory copy failed (%s)", os.getpid(), failures[0]
            )
            return
        self.current = copy
        log.info(
            "query process %d answers from memory (%d triples copied in %.1f s)",
            os.getpid(),
            triples,
            time.monotonic() - started,
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
