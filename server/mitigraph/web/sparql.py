"""The SPARQL 1.1 Protocol at `/sparql`: queries go to Oxigraph, in the query pool, never to rdflib.

GET (or HEAD) `?query=`, POST a form, or POST `application/sparql-query`; any other method is 405 with
`Allow`. Everything that can be refused is refused before a query process sees the query: updates (403),
SERVICE/FROM/LOAD and protocol dataset parameters (400), oversized text (413), a body in another media type
or charset than UTF-8 (415; media types and their parameters are read case-insensitively, RFC 9110 8.3.1),
a client past its fair share (429, mitigraph.web.fairness). A plain GET without a query shows YASGUI to a
browser and the service description to anything else. Handlers are plain `def`, so FastAPI runs them in its
threadpool.

Results are negotiated from the format registry (mitigraph.formats) by Accept, and by `?format=` (a
format's name, alias or media type: `json`, `xml`, `csv`, `tsv`, `ttl`, `jsonld`, `nt`, `rdf`...) as a
stronger preference, so a link such as /queries' "Results as CSV" works in a browser. `format` names a
format per kind of result: `xml` is SPARQL XML for a SELECT or ASK and RDF/XML for a CONSTRUCT or DESCRIBE;
a kind it does not name (`csv` for a CONSTRUCT) is negotiated by Accept. A value that names no format is
400. `output=`, which some clients send with other endpoints' meanings, is ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request, Response

from mitigraph.formats import format_named
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
from mitigraph.web.negotiation import NotAcceptable, Offer, negotiate, offers_for
from mitigraph.web.sparql_request import (
    PROTOCOL_HEADERS,
    ProtocolError,
    SparqlRequest,
    body_limit,
    body_reader,
    request_from_post,
    request_from_url,
)

SOLUTION_OFFERS = offers_for("sparql", kind="results")
"""What SELECT and ASK results are written as; the first (SPARQL JSON) is the default."""
GRAPH_OFFERS = offers_for("sparql", kind="graph")
"""What CONSTRUCT and DESCRIBE results are written as; the first (Turtle) is the default."""
HTML_OFFER = Offer("text/html", token="html", aliases=("application/xhtml+xml",))
LANDING_OFFERS = (
    *(Offer.of(format_named(name, kind="graph")) for name in ("turtle", "rdfxml", "jsonld")),
    HTML_OFFER,
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
        format_param = _format_parameter(request)
        if not request.queries:
            return self._landing_page(accept=accept, format_param=format_param)
        if len(request.queries) > 1:
            raise ProtocolError(400, "give exactly one query (the request carries more than one)")
        query = request.queries[0]
        self._refuse(query, request)
        return self._run(query, accept=accept, format_param=format_param, client=client)

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

    def _run(self, query: str, *, accept: str | None, format_param: str | None, client: str) -> Response:
        solutions = _negotiated(SOLUTION_OFFERS, accept=accept, format_param=format_param)
        graph = _negotiated(GRAPH_OFFERS, accept=accept, format_param=format_param)
        if solutions is None and graph is None:
            raise ProtocolError(406, _not_acceptable_message((*SOLUTION_OFFERS, *GRAPH_OFFERS), accept))
        job = QueryJob(
            query=query,
            solutions_format=_oxigraph_name(solutions),
            graph_format=_oxigraph_name(graph),
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


def _oxigraph_name(offer: Offer | None) -> str | None:
    """The pyoxigraph format member the query process writes the offer with."""
    return offer.format.oxigraph if offer is not None and offer.format is not None else None


def _not_acceptable_message(offers: Sequence[Offer], accept: str | None) -> str:
    return str(NotAcceptable(offers, asked=f"Accept: {accept}"))
