"""The SPARQL 1.1 Protocol at `/sparql`: queries go to Oxigraph, in the query pool, never to rdflib.

GET `?query=`, POST a form, or POST `application/sparql-query`. Everything that can be refused is refused
before a query process sees the query: updates (403), SERVICE/FROM/LOAD and protocol dataset parameters
(400), oversized text (413). A plain GET without a query shows YASGUI to a browser and the service
description to anything else. Handlers are plain `def`, so FastAPI runs them in its threadpool.

Results are negotiated by Accept alone: the protocol defines no `format` parameter, and clients such as
SPARQLWrapper send `format=`/`output=` with other endpoints' meanings, so those parameters are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import PlainTextResponse
from werkzeug.http import parse_options_header

from mitigraph.query_pool import (
    NoAcceptableFormat,
    PoolBusy,
    QueryFailed,
    QueryJob,
    QueryPool,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
)
from mitigraph.settings import Settings
from mitigraph.web.negotiation import NotAcceptable, Offer, negotiate
from mitigraph.web.refusals import refusal_for

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
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")
MAX_FORM_FIELDS = 32
PROTOCOL_HEADERS = {"Vary": "Accept"}


class ProtocolError(Exception):
    """A request the endpoint answers with an error status and a message meant for the user."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        self.status = status
        self.message = message
        self.retry_after = retry_after
        super().__init__(message)


def protocol_error_response(_request: Request, error: Exception) -> Response:
    """The plain-text answer to a ProtocolError (a FastAPI exception handler)."""
    assert isinstance(error, ProtocolError)
    headers = dict(PROTOCOL_HEADERS)
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return PlainTextResponse(error.message + "\n", status_code=error.status, headers=headers)


@dataclass(frozen=True)
class SparqlRequest:
    """What a protocol request asks, whichever way it came (URL, form or body)."""

    queries: tuple[str, ...]
    update: bool
    dataset_parameters: tuple[str, ...]

    @classmethod
    def from_parameters(
        cls, parameters: Mapping[str, Sequence[str]], *, body_query: str | None = None
    ) -> SparqlRequest:
        queries = tuple(parameters.get("query", ()))
        if body_query is not None:
            queries = (*queries, body_query)
        return cls(
            queries=queries,
            update="update" in parameters,
            dataset_parameters=tuple(name for name in DATASET_PARAMETERS if name in parameters),
        )


@dataclass(frozen=True)
class Landing:
    """What a GET without a query answers with, prepared once at start-up."""

    yasgui_html: str
    service_description: Mapping[str, bytes]
    """Serialised service description by media type (one per LANDING_OFFERS entry except HTML)."""


def sparql_router(*, settings: Settings, pool: QueryPool, landing: Landing) -> APIRouter:
    """The `/sparql` routes (with and without a trailing slash) over the given query pool."""
    router = APIRouter()
    answer = _Answerer(settings=settings, pool=pool, landing=landing)
    read_body = _body_reader(limit=_body_limit(settings))

    def get_sparql(request: Request) -> Response:
        return answer(_request_from_url(request), accept=request.headers.get("accept"))

    def post_sparql(request: Request, body: bytes = Depends(read_body)) -> Response:
        return answer(_request_from_post(request, body), accept=request.headers.get("accept"))

    for path in ("/sparql", "/sparql/"):
        router.add_api_route(path, get_sparql, methods=["GET"], include_in_schema=False)
        router.add_api_route(path, post_sparql, methods=["POST"], include_in_schema=False)
    return router


class _Answerer:
    def __init__(self, *, settings: Settings, pool: QueryPool, landing: Landing) -> None:
        self._settings = settings
        self._pool = pool
        self._landing = landing

    def __call__(self, request: SparqlRequest, *, accept: str | None) -> Response:
        if request.update:
            raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if not request.queries:
            return self._landing_page(accept=accept)
        if len(request.queries) > 1:
            raise ProtocolError(400, "give exactly one query (the request carries more than one)")
        query = request.queries[0]
        self._refuse(query, request)
        return self._run(query, accept=accept)

    def _refuse(self, query: str, request: SparqlRequest) -> None:
        size = len(query.encode("utf-8"))
        if size > self._settings.max_query_bytes:
            raise ProtocolError(
                413,
                f"the query is {size} bytes long; the most this endpoint accepts is "
                f"{self._settings.max_query_bytes}",
            )
        refusal = refusal_for(query)
        if refusal is not None:
            raise ProtocolError(refusal.status, refusal.message)
        if request.dataset_parameters:
            raise ProtocolError(
                400,
                f"{', '.join(request.dataset_parameters)} is not allowed here: "
                "this endpoint only queries its own graph",
            )

    def _run(self, query: str, *, accept: str | None) -> Response:
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
            result = self._pool.run(job)
        except QuerySyntaxError as error:
            raise ProtocolError(400, f"malformed query: {error}") from error
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
                503, "every query process is busy; try again shortly", retry_after=1
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


def _request_from_url(request: Request) -> SparqlRequest:
    return SparqlRequest.from_parameters(_multi(request.query_params.multi_items()))


def _request_from_post(request: Request, body: bytes) -> SparqlRequest:
    url_parameters = _multi(request.query_params.multi_items())
    if not body:
        return SparqlRequest.from_parameters(url_parameters)
    media_type, options = parse_options_header(request.headers.get("content-type"))
    if media_type == "application/sparql-update":
        raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if media_type == "application/sparql-query":
        text = _decode(body, charset=options.get("charset", "utf-8"), what="the query")
        return SparqlRequest.from_parameters(url_parameters, body_query=text)
    if media_type == "application/x-www-form-urlencoded":
        return SparqlRequest.from_parameters({**url_parameters, **_form(body)})
    raise ProtocolError(
        415,
        f"cannot read a body of type {media_type or '(none)'}; send the query as application/sparql-query "
        "or as the `query` field of application/x-www-form-urlencoded",
    )


def _form(body: bytes) -> dict[str, list[str]]:
    text = _decode(body, charset="utf-8", what="the form")
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError as error:
        raise ProtocolError(400, f"the form has more than {MAX_FORM_FIELDS} fields") from error


def _decode(body: bytes, *, charset: str, what: str) -> str:
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError) as error:
        raise ProtocolError(400, f"{what} is not valid {charset} text") from error


def _multi(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        grouped.setdefault(name, []).append(value)
    return grouped


def _body_limit(settings: Settings) -> int:
    """Bytes of request body read at most: a form may percent-encode each byte of the query as three."""
    return 3 * settings.max_query_bytes + 4096


def _body_reader(*, limit: int) -> Callable[[Request], Any]:
    async def read_body(request: Request) -> bytes:
        """Read the body without blocking, and stop reading as soon as it is too large to be a query."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise ProtocolError(
                413, f"the request body is {declared} bytes; this endpoint accepts at most {limit}"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ProtocolError(413, f"the request body is larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    return read_body
