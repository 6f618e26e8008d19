"""The SPARQL 1.1 Protocol at `/sparql`: queries go to Oxigraph, in the query pool, never to rdflib.

GET (or HEAD) `?query=`, POST a form, or POST `application/sparql-query`; any other method is 405 with
`Allow`. Everything that can be refused is refused before a query process sees the query: updates (403),
SERVICE/FROM/LOAD and protocol dataset parameters (400), oversized text (413), a body in another media type
or charset than UTF-8 (415; media types and their parameters are read case-insensitively, RFC 9110 8.3.1),
a client past its fair share (429, mitigraph.web.fairness). A plain GET without a query shows YASGUI to a
browser and the service description to anything else. Handlers are plain `def`, so FastAPI runs them in its
threadpool.

Results are negotiated by Accept alone: the protocol defines no `format` parameter, and clients such as
SPARQLWrapper send `format=`/`output=` with other endpoints' meanings, so those parameters are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request, Response

from mitigraph.query_guard import refusal_for
from mitigraph.query_pool import (
    NoAcceptableFormat,
    PoolBusy,
    QueryFailed,
    QueryJob,
    QueryOutOfMemory,
    QueryPool,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
)
from mitigraph.settings import Settings, trusted_networks
from mitigraph.web.fairness import ClientLimitReached, FairShare, Shares, client_of
from mitigraph.web.negotiation import NotAcceptable, Offer, negotiate
from mitigraph.web.sparql_request import (
    PROTOCOL_HEADERS,
    ProtocolError,
    SparqlRequest,
    body_limit,
    body_reader,
    request_from_post,
    request_from_url,
)

SOLUTION_OFFERS = (
    Offer("application/sparql-results+json", token="json", aliases=("application/json",)),
    Offer("application/sparql-results+xml", token="xml", aliases=("application/xml", "text/xml")),
    Offer("text/csv", token="csv"),
    Offer("text/tab-separated-values", token="tsv"),
)
"""What SELECT and ASK results are written as; the first is the default."""
GRAPH_OFFERS = (
    Offer("text/turtle", token="ttl", aliases=("application/x-turtle",)),
    Offer("application/ld+json", token="jsonld", aliases=("application/json",)),
    Offer("application/n-triples", token="nt", aliases=("text/plain",)),
    Offer("application/rdf+xml", token="rdf", aliases=("application/xml", "text/xml")),
)
"""What CONSTRUCT and DESCRIBE results are written as; the first is the default."""
OXIGRAPH_FORMATS = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}
"""The pyoxigraph QueryResultsFormat / RdfFormat member that writes each offered media type."""
LANDING_OFFERS = (
    Offer("text/turtle", token="ttl"),
    Offer("application/rdf+xml", token="rdf", aliases=("application/xml",)),
    Offer("application/ld+json", token="jsonld"),
    Offer("text/html", token="html", aliases=("application/xhtml+xml",)),
)
"""A GET without a query: the service description by default, YASGUI when the client prefers HTML."""
QUERY_METHODS = ("GET", "HEAD", "POST")
"""What /sparql answers; any other method gets 405 naming these in `Allow`."""


@dataclass(frozen=True)
class Landing:
    """What a GET without a query answers with, prepared once at start-up."""

    yasgui_html: str
    service_description: Mapping[str, bytes]
    """Serialised service description by media type (one per LANDING_OFFERS entry except HTML)."""


def sparql_router(*, settings: Settings, pool: QueryPool, landing: Landing) -> APIRouter:
    """The `/sparql` routes (with and without a trailing slash) over the given query pool; other methods
    than QUERY_METHODS are refused by the app (mitigraph.web.errors.refuse_other_methods)."""
    router = APIRouter()
    answer = _Answerer(settings=settings, pool=pool, landing=landing)
    read_body = body_reader(limit=body_limit(settings))
    trusted = trusted_networks(settings.trusted_proxies)

    def client(request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_of(peer, request.headers.getlist("x-forwarded-for"), trusted=trusted)

    def get_sparql(request: Request) -> Response:
        return answer(request_from_url(request), accept=request.headers.get("accept"), client=client(request))

    def post_sparql(request: Request, body: bytes = Depends(read_body)) -> Response:
        return answer(
            request_from_post(request, body), accept=request.headers.get("accept"), client=client(request)
        )

    for path in ("/sparql", "/sparql/"):
        router.add_api_route(path, get_sparql, methods=["GET", "HEAD"], include_in_schema=False)
        router.add_api_route(path, post_sparql, methods=["POST"], include_in_schema=False)
    return router


class _Answerer:
    def __init__(self, *, settings: Settings, pool: QueryPool, landing: Landing) -> None:
        self._settings = settings
        self._pool = pool
        self._landing = landing
        self._fair_share = FairShare(Shares.of(settings), query_timeout=settings.query_timeout)

    def __call__(self, request: SparqlRequest, *, accept: str | None, client: str) -> Response:
        if request.update:
            raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if not request.queries:
            return self._landing_page(accept=accept)
        if len(request.queries) > 1:
            raise ProtocolError(400, "give exactly one query (the request carries more than one)")
        query = request.queries[0]
        self._refuse(query, request)
        return self._run(query, accept=accept, client=client)

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

    def _run(self, query: str, *, accept: str | None, client: str) -> Response:
        solutions = _negotiated(SOLUTION_OFFERS, accept=accept)
        graph = _negotiated(GRAPH_OFFERS, accept=accept)
        if solutions is None and graph is None:
            raise ProtocolError(406, _not_acceptable_message((*SOLUTION_OFFERS, *GRAPH_OFFERS), accept))
        job = QueryJob(
            query=query,
            solutions_format=OXIGRAPH_FORMATS[solutions.media_type] if solutions else None,
            graph_format=OXIGRAPH_FORMATS[graph.media_type] if graph else None,
        )
        try:
            with self._fair_share.admitted(client):
                result = self._pool.run(job)
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
        offer = graph if result.kind == "graph" else solutions
        assert offer is not None, "the query process only answers in a negotiated format"
        return Response(content=result.body, media_type=offer.media_type, headers=PROTOCOL_HEADERS)

    def _landing_page(self, *, accept: str | None) -> Response:
        try:
            offer = negotiate(LANDING_OFFERS, accept=accept)
        except NotAcceptable as error:
            raise ProtocolError(406, str(error)) from error
        if offer.media_type == "text/html":
            return Response(
                content=self._landing.yasgui_html, media_type="text/html", headers=PROTOCOL_HEADERS
            )
        body = self._landing.service_description[offer.media_type]
        return Response(content=body, media_type=offer.media_type, headers=PROTOCOL_HEADERS)


def _negotiated(offers: Sequence[Offer], *, accept: str | None) -> Offer | None:
    try:
        return negotiate(offers, accept=accept)
    except NotAcceptable:
        return None


def _not_acceptable_message(offers: Sequence[Offer], accept: str | None) -> str:
    return str(NotAcceptable(offers, asked=f"Accept: {accept}"))
