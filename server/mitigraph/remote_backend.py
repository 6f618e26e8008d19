"""Serve from a remote SPARQL 1.1 endpoint instead of the embedded store (`serve --sparql-endpoint`).

Two pieces stand in for the local ones, so the pages and `/sparql` work unchanged:

- `RemoteStore` answers the part of `pyoxigraph.Store`'s read API that Mitigraph's pages use (`query` with
  prefixes and substitutions, `quads_for_pattern`, `len`) by sending SPARQL to the endpoint and reading the
  answer back into pyoxigraph objects. Substitutions become a trailing `VALUES` clause.
- `RemoteQueryPool` has the query pool's interface (`start`, `close`, `alive`, `stats`, `run`): a user's
  query, which `/sparql` has already checked and refused as it does locally, is forwarded with the same time
  limit, result size limit and concurrency, and the answer is passed through (or converted by Oxigraph when
  the endpoint answered in another format than the one negotiated).

A query stopped here for time keeps running on the remote store unless that store has its own timeout
(Oxigraph server: `--timeout-s`); set it to the same value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import cast

import httpx
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Variable,
    parse,
    parse_query_results,
    serialize,
)

from mitigraph.query_jobs import (
    NoAcceptableFormat,
    PoolBusy,
    QueryFailed,
    QueryJob,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ResultKind,
    ResultTooLarge,
)
from mitigraph.query_pool import PoolStats, QueryPool
from mitigraph.settings import Settings, SettingsError
from mitigraph.store import GraphReader

SOLUTIONS_MEDIA_TYPE = QueryResultsFormat.JSON.media_type
GRAPH_MEDIA_TYPE = RdfFormat.N_TRIPLES.media_type
CONNECT_TIMEOUT = 5.0
HEALTH_TIMEOUT = 2.0
MAX_ERROR_TEXT = 300
CHUNK_BYTES = 64 * 1024

Term = NamedNode | BlankNode | Literal


class RemoteEndpointError(RuntimeError):
    """The remote endpoint could not be reached or refused a query Mitigraph itself wrote."""


@dataclass(frozen=True)
class _Answer:
    body: bytes
    media_type: str


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _term_text(term: Term) -> str:
    if isinstance(term, BlankNode):
        raise ValueError("a blank node cannot be sent to a remote endpoint as a value")
    return str(term)


def with_values(query: str, substitutions: Mapping[Variable, Term] | None) -> str:
    """The query with its substituted variables bound by a trailing VALUES clause (SPARQL 1.1 §10.2)."""
    if not substitutions:
        return query
    variables = " ".join(str(variable) for variable in substitutions)
    values = " ".join(_term_text(term) for term in substitutions.values())
    return f"{query}\nVALUES ({variables}) {{ ({values}) }}"


def with_prefixes(query: str, prefixes: Mapping[str, str] | None) -> str:
    if not prefixes:
        return query
    return "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in prefixes.items()) + query


class _Endpoint:
    """POSTs queries to one SPARQL endpoint over a shared keep-alive client."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)))

    def close(self) -> None:
        self._client.close()

    def stream(self, query: str, *, accept: str) -> AbstractContextManager[httpx.Response]:
        """The open response to `query`, to be read in chunks inside a `with` block."""
        return self._client.stream("POST", self.url, data={"query": query}, headers={"Accept": accept})

    def fetch(self, query: str, *, accept: str) -> _Answer:
        """The whole answer to a query Mitigraph wrote; any failure is a RemoteEndpointError."""
        try:
            response = self._client.post(self.url, data={"query": query}, headers={"Accept": accept})
        except httpx.HTTPError as error:
            raise RemoteEndpointError(f"the SPARQL endpoint {self.url} cannot be reached: {error}") from error
        if response.status_code != 200:
            raise RemoteEndpointError(
                f"the SPARQL endpoint {self.url} answered {response.status_code}: "
                f"{response.text[:MAX_ERROR_TEXT]}"
            )
        return _Answer(body=response.content, media_type=_media_type(response))


class RemoteStore:
    """The read side of `pyoxigraph.Store` that the pages use, answered by a remote SPARQL endpoint."""

    def __init__(self, endpoint_url: str, *, timeout: float) -> None:
        self._endpoint = _Endpoint(endpoint_url, timeout=timeout)

    def close(self) -> None:
        self._endpoint.close()

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        substitutions: Mapping[Variable, Term] | None = None,
    ) -> QuerySolutions | QueryBoolean | QueryTriples:
        text = with_values(with_prefixes(query, prefixes), substitutions)
        answer = self._endpoint.fetch(text, accept=f"{SOLUTIONS_MEDIA_TYPE}, {GRAPH_MEDIA_TYPE};q=0.9")
        graph_format = RdfFormat.from_media_type(answer.media_type)
        if graph_format is not None:
            return _as_query_triples(answer.body, graph_format)
        results_format = QueryResultsFormat.from_media_type(answer.media_type)
        if results_format is None:
            raise RemoteEndpointError(f"the SPARQL endpoint answered with unreadable {answer.media_type!r}")
        return parse_query_results(answer.body, format=results_format)

    def quads_for_pattern(
        self,
        subject: NamedNode | BlankNode | None,
        predicate: NamedNode | None,
        value: Term | None,
        graph_name: DefaultGraph | None = None,
    ) -> list[Quad]:
        """Triples of the default graph that match the pattern (None matches anything)."""
        fixed = {Variable("s"): subject, Variable("p"): predicate, Variable("o"): value}
        bound = {variable: term for variable, term in fixed.items() if term is not None}
        solutions = self.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", substitutions=bound)
        assert isinstance(solutions, QuerySolutions)
        return [Quad(row["s"], row["p"], row["o"], DefaultGraph()) for row in solutions]

    def __len__(self) -> int:
        solutions = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(solutions, QuerySolutions)
        count = next(iter(solutions))["n"]
        return int(count.value) if isinstance(count, Literal) else 0


def _as_query_triples(body: bytes, rdf_format: RdfFormat) -> QueryTriples:
    """A CONSTRUCT answer as the QueryTriples that a local store would return, through an in-memory store."""
    scratch = Store()
    scratch.bulk_load(body, format=rdf_format)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, QueryTriples)
    return result


class RemoteQueryPool:
    """The query pool's interface over a remote endpoint: same limits, same errors, same concurrency."""

    def __init__(
        self, endpoint_url: str, *, size: int, timeout: float, queue_timeout: float, max_result_bytes: int
    ) -> None:
        self._endpoint_url = endpoint_url
        self._size = size
        self._timeout = timeout
        self._queue_timeout = queue_timeout
        self._max_result_bytes = max_result_bytes
        self._slots = threading.BoundedSemaphore(size)
        self._endpoint: _Endpoint | None = None
        self._counts = threading.Lock()
        self._busy = 0
        self._waiting = 0

    def start(self) -> None:
        self._endpoint = _Endpoint(self._endpoint_url, timeout=self._timeout)

    def close(self) -> None:
        if self._endpoint is not None:
            self._endpoint.close()
            self._endpoint = None

    def alive(self) -> bool:
        """Ready when the remote endpoint answers a trivial query: /health tells load balancers the truth."""
        try:
            response = httpx.post(
                self._endpoint_url,
                data={"query": "ASK {}"},
                headers={"Accept": SOLUTIONS_MEDIA_TYPE},
                timeout=HEALTH_TIMEOUT,
            )
        except httpx.HTTPError:
            return False
        return self._endpoint is not None and response.status_code == 200

    def stats(self) -> PoolStats:
        """The query pool's counts, without asking the endpoint: `alive` is every slot once started."""
        with self._counts:
            busy, waiting = self._busy, self._waiting
        alive = self._size if self._endpoint is not None else 0
        return PoolStats(size=self._size, alive=alive, busy=busy, waiting=waiting)

    def run(self, job: QueryJob) -> QueryResult:
        if self._endpoint is None:
            raise QueryFailed("the query pool is not started")
        with self._counts:
            self._waiting += 1
        acquired = self._slots.acquire(timeout=self._queue_timeout)
        with self._counts:
            self._waiting -= 1
            if acquired:
                self._busy += 1
        if not acquired:
            raise PoolBusy("all query slots stayed busy")
        try:
            return self._forward(self._endpoint, job)
        finally:
            with self._counts:
                self._busy -= 1
            self._slots.release()

    def _forward(self, endpoint: _Endpoint, job: QueryJob) -> QueryResult:
        accept = _accept_header(job)
        deadline = time.monotonic() + self._timeout
        try:
            with endpoint.stream(job.query, accept=accept) as response:
                if response.status_code != 200:
                    raise _refusal(response, job)
                body = self._read_limited(response, deadline=deadline)
                media_type = _media_type(response)
        except httpx.TimeoutException as error:
            raise QueryTimeout(f"stopped after {self._timeout:g} s") from error
        except httpx.HTTPError as error:
            raise QueryFailed("the remote SPARQL endpoint cannot be reached") from error
        return _negotiated(body, media_type=media_type, job=job)

    def _read_limited(self, response: httpx.Response, *, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(CHUNK_BYTES):
            size += len(chunk)
            if size > self._max_result_bytes:
                raise ResultTooLarge(f"the result is larger than {self._max_result_bytes} bytes")
            if time.monotonic() > deadline:
                raise QueryTimeout(f"stopped after {self._timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)


def _accept_header(job: QueryJob) -> str:
    offers = []
    if job.solutions_format is not None:
        offers.append(getattr(QueryResultsFormat, job.solutions_format).media_type)
    if job.graph_format is not None:
        offers.append(getattr(RdfFormat, job.graph_format).media_type)
    return ", ".join(offers) or SOLUTIONS_MEDIA_TYPE


def _refusal(response: httpx.Response, job: QueryJob) -> Exception:
    response.read()
    if response.status_code == 400:
        return QuerySyntaxError(response.text[:MAX_ERROR_TEXT].strip() or "the query is malformed")
    if response.status_code == 406:
        return NoAcceptableFormat("graph" if job.graph_format is None else "solutions")
    return QueryFailed(f"the remote SPARQL endpoint answered {response.status_code}")


def _negotiated(body: bytes, *, media_type: str, job: QueryJob) -> QueryResult:
    """The answer in the format `/sparql` negotiated: passed through, or converted by Oxigraph."""
    graph_format = RdfFormat.from_media_type(media_type)
    kind: ResultKind = "graph" if graph_format is not None else "solutions"
    wanted = job.graph_format if kind == "graph" else job.solutions_format
    if wanted is None:
        raise NoAcceptableFormat(kind)
    if graph_format is not None:
        target = getattr(RdfFormat, wanted)
        if target == graph_format:
            return QueryResult(body=body, kind=kind)
        return QueryResult(body=serialize(parse(body, format=graph_format), format=target) or b"", kind=kind)
    results_format = QueryResultsFormat.from_media_type(media_type)
    if results_format is None:
        raise QueryFailed(f"the remote SPARQL endpoint answered with unreadable {media_type!r}")
    target_results = getattr(QueryResultsFormat, wanted)
    if target_results == results_format:
        return QueryResult(body=body, kind=kind)
    converted = parse_query_results(body, format=results_format).serialize(format=target_results)
    return QueryResult(body=converted or b"", kind=kind)


def remote_reader_and_pool(settings: Settings) -> tuple[GraphReader, QueryPool]:
    """The pages' reader and `/sparql`'s pool over `settings.sparql_endpoint`, in place of the local ones.

    Both objects answer the same calls as the local GraphReader's store and QueryPool (duck-typed, hence
    the casts), so the web app needs no other change to serve from a remote store.
    """
    if settings.sparql_endpoint is None:
        raise SettingsError("remote_reader_and_pool needs settings.sparql_endpoint")
    store = RemoteStore(settings.sparql_endpoint, timeout=settings.query_timeout)
    pool = RemoteQueryPool(
        settings.sparql_endpoint,
        size=settings.query_slots,
        timeout=settings.query_timeout,
        queue_timeout=settings.queue_timeout,
        max_result_bytes=settings.max_result_bytes,
    )
    return GraphReader(cast(Store, store)), cast(QueryPool, pool)
