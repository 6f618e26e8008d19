"""The SPARQL 1.1 Protocol at `/sparql`: queries go to Oxigraph, in the query pool, never to rdflib.

GET (or HEAD) `?query=`, POST a form, or POST `application/sparql-query`; any other method is 405 with
`Allow`. Everything that can be refused is refused before a query process sees the query: updates (403),
SERVICE/FROM/LOAD and protocol dataset parameters (400), oversized text (413), a body in another media type
or charset than UTF-8 (415; media types and their parameters are read case-insensitively, RFC 9110 8.3.1),
a client past its fair share (429, mitigraph.web.fairness). A plain GET without a query shows YASGUI to a
browser and the service description to anything else; a browser navigating to a link with a query (HTML
preferred, no `format`) gets the editor with that query open.

The endpoint is plain ASGI, reached in front of FastAPI (mitigraph.web.app.Server): no routing, no
request validation, no dependency solving, no hop to a thread. Checks run on the event loop (a text past
INLINE_CHECK_CHARS in a thread), the query waits for its process without a thread (QueryPool.run_async);
a ProtocolError is written by web.errors.

Results are negotiated from the format registry (mitigraph.formats) by Accept, and by `?format=` (a
format's name, alias or media type: `json`, `xml`, `csv`, `tsv`, `ttl`, `jsonld`, `nt`, `rdf`...) as a
stronger preference, so a link such as /queries' "Results as CSV" works in a browser. `format` names a
format per kind of result: `xml` is SPARQL XML for a SELECT or ASK and RDF/XML for a CONSTRUCT or DESCRIBE;
a kind it does not name (`csv` for a CONSTRUCT) is negotiated by Accept. A value that names no format is
400. `output=`, which some clients send with other endpoints' meanings, is ignored.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mitigraph.formats import format_named
from mitigraph.query_guard import refusal_for
from mitigraph.query_jobs import (
    NoAcceptableFormat,
    PoolBusy,
    QueryFailed,
    QueryJob,
    QueryOutOfMemory,
    QueryRejected,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
)
from mitigraph.settings import Settings, trusted_networks
from mitigraph.web.fairness import ClientLimitReached, FairShare, Shares, client_of
from mitigraph.web.negotiation import HTML_OFFER, NotAcceptable, Offer, negotiate, offers_for
from mitigraph.web.sparql_request import (
    PROTOCOL_HEADERS,
    ProtocolError,
    SparqlRequest,
    body_limit,
    body_reader,
    request_from_post,
    request_from_url,
)

INLINE_CHECK_CHARS = 16 * 1024
"""Query texts up to this long are checked on the event loop (well under a millisecond); longer ones (up
to max_query_bytes) in a thread, so one large query never holds up the other requests of its worker."""
NEGOTIATION_CACHE_SIZE = 256
NEGOTIATION_CACHE_MAX_CHARS = 512
"""Accept headers up to this long have their negotiation remembered (clients send the same few)."""

SOLUTION_OFFERS = offers_for("sparql", kind="results")
"""What SELECT and ASK results are written as; the first (SPARQL JSON) is the default."""
GRAPH_OFFERS = offers_for("sparql", kind="graph")
"""What CONSTRUCT and DESCRIBE results are written as; the first (Turtle) is the default."""
LANDING_OFFERS = (
    *(Offer.of(format_named(name, kind="graph")) for name in ("turtle", "rdfxml", "jsonld")),
    HTML_OFFER,
)
"""A GET without a query: the service description by default, YASGUI when the client prefers HTML."""
EDITOR_HEADERS = {"Vary": "Accept, Sec-Fetch-Dest"}
"""The editor answers a link only for a navigating browser (_opens_editor)."""
QUERY_METHODS = ("GET", "HEAD", "POST")
"""What /sparql answers; any other method gets 405 naming these in `Allow`."""


@dataclass(frozen=True)
class Landing:
    """What a GET without a query answers with, prepared once at start-up."""

    yasgui_html: str
    service_description: Mapping[str, bytes]
    """Serialised service description by media type (one per LANDING_OFFERS entry except HTML)."""


class QueryRunner(Protocol):
    """What the endpoint needs of a query pool: the local QueryPool (which also has `run_async`) or the
    remote endpoint's."""

    def run(self, job: QueryJob) -> QueryResult: ...


class SparqlEndpoint:
    """The ASGI endpoint of `/sparql`: read the request, refuse what must be refused, run the query.

    It answers every method: QUERY_METHODS, and 405 with `Allow` for any other. Its errors are raised as
    ProtocolError, for mitigraph.web.errors to write.
    """

    def __init__(self, *, settings: Settings, pool: QueryRunner, landing: Landing) -> None:
        self._answer = _Answerer(settings=settings, pool=pool, landing=landing)
        self._landing = landing
        self._read_body = body_reader(limit=body_limit(settings))
        self._trusted = trusted_networks(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        method, accept = request.method, request.headers.get("accept")
        if method not in QUERY_METHODS:
            raise ProtocolError(
                405,
                f"{method} is not allowed here; this address answers {', '.join(QUERY_METHODS)}",
                allow=QUERY_METHODS,
            )
        if method == "POST":
            sparql = request_from_post(request, await self._read_body(request))
        else:
            sparql = request_from_url(request)
        navigating = request.headers.get("sec-fetch-dest") == "document"
        if method != "POST" and navigating and _opens_editor(sparql, accept=accept):
            response = Response(
                content=self._landing.yasgui_html, media_type="text/html", headers=EDITOR_HEADERS
            )
        else:
            response = await self._answer(sparql, accept=accept, client=self._client(request))
        await response(scope, receive, send)

    def _client(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_of(peer, request.headers.getlist("x-forwarded-for"), trusted=self._trusted)


class _Answerer:
    def __init__(self, *, settings: Settings, pool: QueryRunner, landing: Landing) -> None:
        self._settings = settings
        self._pool = pool
        self._run_async = getattr(pool, "run_async", None)
        self._landing = landing
        self._fair_share = FairShare(Shares.of(settings), query_timeout=settings.query_timeout)

    async def __call__(self, request: SparqlRequest, *, accept: str | None, client: str) -> Response:
        if request.update:
            raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        format_param = _format_parameter(request)
        if not request.queries:
            return self._landing_page(accept=accept, format_param=format_param)
        if len(request.queries) > 1:
            raise ProtocolError(400, "give exactly one query (the request carries more than one)")
        query = request.queries[0]
        if len(query) <= INLINE_CHECK_CHARS:
            self._refuse(query, request)
        else:
            await to_thread.run_sync(self._refuse, query, request)
        solutions, graph = _negotiated_kinds(accept, format_param)
        if solutions is None and graph is None:
            raise ProtocolError(406, _not_acceptable_message((*SOLUTION_OFFERS, *GRAPH_OFFERS), accept))
        job = QueryJob(
            query=query, solutions_format=_oxigraph_name(solutions), graph_format=_oxigraph_name(graph)
        )
        result = await self._run(job, accept=accept, client=client)
        offer = graph if result.kind == "graph" else solutions
        assert offer is not None, "the query process only answers in a negotiated format"
        return Response(content=result.body, media_type=offer.media_type, headers=PROTOCOL_HEADERS)

    def _refuse(self, query: str, request: SparqlRequest) -> None:
        size = len(query.encode("utf-8"))
        if size > self._settings.max_query_bytes:
            raise ProtocolError(
                413,
                f"the query is {size} bytes long; the most this endpoint accepts is "
                f"{self._settings.max_query_bytes}",
            )
        refusal = refusal_for(query, max_depth=self._settings.max_query_depth)
        if refusal is not None:
            raise ProtocolError(refusal.status, refusal.message)
        if request.dataset_parameters:
            raise ProtocolError(
                400,
                f"{', '.join(request.dataset_parameters)} is not allowed here: "
                "this endpoint only queries its own graph",
            )

    async def _run(self, job: QueryJob, *, accept: str | None, client: str) -> QueryResult:
        try:
            with self._fair_share.admitted(client):
                if self._run_async is not None:
                    result: QueryResult = await self._run_async(job)
                else:
                    result = await to_thread.run_sync(self._pool.run, job)
        except ClientLimitReached as error:
            raise ProtocolError(429, str(error), retry_after=error.retry_after) from error
        except QuerySyntaxError as error:
            raise ProtocolError(400, f"malformed query: {error}") from error
        except QueryRejected as error:
            raise ProtocolError(400, f"the query cannot be evaluated: {error}") from error
        except QueryOutOfMemory as error:
            raise ProtocolError(503, str(error)) from error
        except NoAcceptableFormat as error:
            offers = GRAPH_OFFERS if error.kind == "graph" else SOLUTION_OFFERS
            raise ProtocolError(406, _not_acceptable_message(offers, accept)) from error
        except QueryTimeout as error:
            raise ProtocolError(
                503,
                f"the query ran longer than {self._settings.query_timeout:g} s and was stopped; "
                "narrow it down or add a LIMIT",
            ) from error
        except PoolBusy as error:
            raise ProtocolError(
                503,
                f"every query process stayed busy for {self._settings.queue_timeout:g} s; try again shortly",
                retry_after=max(1, math.ceil(self._settings.queue_timeout)),
            ) from error
        except ResultTooLarge as error:
            raise ProtocolError(
                413,
                f"the result is larger than {self._settings.max_result_bytes} bytes and was stopped; "
                "add a LIMIT or select less",
            ) from error
        except QueryFailed as error:
            raise ProtocolError(500, "the query failed on the server; this has been logged") from error
        return result

    def _landing_page(self, *, accept: str | None, format_param: str | None) -> Response:
        offer = _negotiated(LANDING_OFFERS, accept=accept, format_param=format_param)
        if offer is None:
            raise ProtocolError(406, str(NotAcceptable(LANDING_OFFERS, asked=f"Accept: {accept}")))
        if offer.media_type == "text/html":
            return Response(
                content=self._landing.yasgui_html, media_type="text/html", headers=PROTOCOL_HEADERS
            )
        body = self._landing.service_description[offer.media_type]
        return Response(content=body, media_type=offer.media_type, headers=PROTOCOL_HEADERS)


def _opens_editor(request: SparqlRequest, *, accept: str | None) -> bool:
    """Whether a browser navigating to `/sparql?query=...` (`Sec-Fetch-Dest: document`: a person following
    a link) gets the editor, which opens that query, rather than raw results: it prefers HTML to every
    result format and names no `format`. Where Accept ties (`*/*`), results win; scripts, YASGUI's own
    requests and other clients, which do not navigate, always get results."""
    if request.update or len(request.queries) != 1 or request.formats:
        return False
    if accept is not None and len(accept) > NEGOTIATION_CACHE_MAX_CHARS:
        return _prefers_html(accept)
    return _remembered_prefers_html(accept)


def _prefers_html(accept: str | None) -> bool:
    offers = (*SOLUTION_OFFERS, *GRAPH_OFFERS, HTML_OFFER)
    return _negotiated(offers, accept=accept, format_param=None) == HTML_OFFER


_remembered_prefers_html = functools.lru_cache(maxsize=NEGOTIATION_CACHE_SIZE)(_prefers_html)


def _format_parameter(request: SparqlRequest) -> str | None:
    """The one `format` parameter, checked: 400 for a second one or a value that names no format."""
    if not request.formats:
        return None
    if len(request.formats) > 1:
        raise ProtocolError(400, "give the format parameter once (the request carries more than one)")
    value = request.formats[0]
    if not any(_by_format(offers, value) for offers in (SOLUTION_OFFERS, GRAPH_OFFERS, LANDING_OFFERS)):
        raise ProtocolError(400, f"the format parameter {value[:40]!r} names no format; {FORMAT_VALUES}")
    return value


def _by_format(offers: Sequence[Offer], value: str) -> Offer | None:
    try:
        return negotiate(offers, accept=None, format_param=value)
    except NotAcceptable:
        return None


FORMAT_VALUES = (
    "use one of "
    + ", ".join(offer.format.short_name for offer in SOLUTION_OFFERS if offer.format)
    + " (SELECT, ASK), "
    + ", ".join(offer.format.short_name for offer in GRAPH_OFFERS if offer.format)
    + " (CONSTRUCT, DESCRIBE), or a media type"
)


def _negotiated(offers: Sequence[Offer], *, accept: str | None, format_param: str | None) -> Offer | None:
    """The offer `format_param` names, else the one Accept prefers, else None."""
    if format_param:
        named = _by_format(offers, format_param)
        if named is not None:
            return named
    try:
        return negotiate(offers, accept=accept)
    except NotAcceptable:
        return None


def _negotiated_kinds(accept: str | None, format_param: str | None) -> tuple[Offer | None, Offer | None]:
    """The offers for solutions and for a graph; remembered for the few short Accept headers clients send."""
    if accept is not None and len(accept) > NEGOTIATION_CACHE_MAX_CHARS:
        return _negotiate_kinds(accept, format_param)
    return _remembered_kinds(accept, format_param)


def _negotiate_kinds(accept: str | None, format_param: str | None) -> tuple[Offer | None, Offer | None]:
    return (
        _negotiated(SOLUTION_OFFERS, accept=accept, format_param=format_param),
        _negotiated(GRAPH_OFFERS, accept=accept, format_param=format_param),
    )


_remembered_kinds = functools.lru_cache(maxsize=NEGOTIATION_CACHE_SIZE)(_negotiate_kinds)


def _oxigraph_name(offer: Offer | None) -> str | None:
    """The pyoxigraph format member the query process writes the offer with."""
    return offer.format.oxigraph if offer is not None and offer.format is not None else None


def _not_acceptable_message(offers: Sequence[Offer], accept: str | None) -> str:
    return str(NotAcceptable(offers, asked=f"Accept: {accept}"))
