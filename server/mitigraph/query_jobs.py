"""What passes between a web worker and a query process: jobs, answers, and the errors an answer means.

A query process answers each job with a pair (status, payload), sent as bytes (`encode_outcome`: one
status byte, then the result's kind and body, or a message), so a large result is not pickled and copied
again on each side; `result_or_raise` turns it into the result or into the QueryError subclass the caller
maps to an HTTP status or an exit code. Every error
message is safe to show a user: it never carries a traceback or a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mitigraph.sandbox import format_bytes

ResultKind = Literal["solutions", "graph"]


@dataclass(frozen=True)
class QueryJob:
    """A query and the result formats negotiated for each kind of answer it might give.

    `solutions_format` names a `pyoxigraph.QueryResultsFormat` (SELECT, ASK) and `graph_format` a
    `pyoxigraph.RdfFormat` (CONSTRUCT, DESCRIBE); None means the client accepts no format of that kind.
    `prefixes` are declared for the query, as (prefix, namespace) pairs.
    """

    query: str
    solutions_format: str | None
    graph_format: str | None
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    kind: ResultKind


class QueryError(Exception):
    """A query could not be answered; subclasses say why, and every message is safe to show a user."""


class QuerySyntaxError(QueryError):
    """Oxigraph could not parse the query; the message is Oxigraph's."""


class QueryRejected(QueryError):
    """The engine cannot evaluate what the query asks (an unknown function, an invalid IRI, a SERVICE it
    cannot reach, nesting too deep for its stack): the client's to fix; the message says what."""


class NoAcceptableFormat(QueryError):
    """The query's kind of result (solutions or a graph) has no format the client accepts."""

    def __init__(self, kind: ResultKind) -> None:
        self.kind = kind
        super().__init__(f"no acceptable format for {kind}")


class QueryTimeout(QueryError):
    """The query ran past its time and was stopped."""


class QueryOutOfMemory(QueryError):
    """The query needed more memory than a query process may use, and was stopped."""


class PoolBusy(QueryError):
    """Every query process stayed busy for the whole time a query may wait."""


class ResultTooLarge(QueryError):
    """The serialised result grew past the byte limit and the query was stopped."""


class QueryFailed(QueryError):
    """The query process failed in a way the user cannot fix; details are in the log, not the message."""


OUTCOME_STATUSES = ("ok", "syntax", "rejected", "not_acceptable", "too_large", "memory", "error")
"""What a query process may answer; an outcome's first byte is the index of its status here."""
RESULT_KINDS: tuple[ResultKind, ...] = ("solutions", "graph")


def encode_outcome(status: str, payload: object) -> bytes:
    """An answer as sent down the pipe: the status byte, then for "ok" the kind byte and the result's body,
    else the message in UTF-8."""
    code = bytes((OUTCOME_STATUSES.index(status),))
    if isinstance(payload, QueryResult):
        return code + bytes((RESULT_KINDS.index(payload.kind),)) + payload.body
    return code + str(payload).encode("utf-8")


def decode_outcome(message: bytes) -> tuple[str, object]:
    """The (status, payload) an encoded answer stands for."""
    status = OUTCOME_STATUSES[message[0]]
    if status == "ok":
        return status, QueryResult(body=message[2:], kind=RESULT_KINDS[message[1]])
    return status, message[1:].decode("utf-8")


def out_of_memory_message(memory_bytes: int) -> str:
    return (
        f"the query needed more than the {format_bytes(memory_bytes)} of memory a query may use "
        "(--query-memory) and was stopped; narrow it down or add a LIMIT"
    )


def result_or_raise(outcome: tuple[str, object], *, memory_bytes: int) -> QueryResult:
    """The result a query process answered, or the error its answer means ("error" is left to the caller)."""
    status, payload = outcome
    if status == "ok":
        assert isinstance(payload, QueryResult)
        return payload
    if status == "syntax":
        raise QuerySyntaxError(str(payload))
    if status == "rejected":
        raise QueryRejected(str(payload))
    if status == "not_acceptable":
        raise NoAcceptableFormat("graph" if payload == "graph" else "solutions")
    if status == "too_large":
        raise ResultTooLarge(str(payload))
    if status == "memory":
        raise QueryOutOfMemory(out_of_memory_message(memory_bytes))
    raise QueryFailed("the query failed")
