"""The app factory: one ASGI app that serves the SPARQL endpoint, /health, YASGUI's assets and the pages.

FastAPI serves `/sparql` and `/health`; rdflib-endpoint's SparqlRouter is only asked for its YASGUI page
and its service description (its own query routes, which run rdflib's engine, are never mounted); the
Flask app of the Linked Data pages is mounted at `/` after them. `mitigraph serve` writes the store and
starts uvicorn workers that each build this app from the settings in MITIGRAPH_SETTINGS.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from a2wsgi import WSGIMiddleware
from anyio import to_thread
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID
from rdflib_endpoint.utils import QueryExample

from mitigraph import __version__
from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.namespaces import SD
from mitigraph.query_pool import QueryPool
from mitigraph.settings import Settings, SettingsError
from mitigraph.store import GraphReader, open_read_only
from mitigraph.web.sparql import Landing, ProtocolError, protocol_error_response, sparql_router

SETTINGS_VARIABLE = "MITIGRAPH_SETTINGS"
"""The environment variable through which `mitigraph serve` hands its Settings (as JSON) to each worker."""
YASGUI_DIR = Path(__file__).resolve().parent / "static" / "yasgui"
YASGUI_URL_PATH = "/static/yasgui"
TITLE = "Mitigraph SPARQL endpoint"
DESCRIPTION = (
    "A read-only SPARQL 1.1 endpoint over Mitigraph, "
    "a linked, validated knowledge graph of AI-risk mitigations."
)
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
GRAPH_FORMATS = ("Turtle", "JSON-LD", "N-Triples", "RDF_XML")

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """Build the whole server for `settings`; `settings.store_dir` must hold the store to serve."""
    if settings.sparql_endpoint is not None:
        from mitigraph.remote_backend import remote_reader_and_pool

        reader, pool = remote_reader_and_pool(settings)
    elif settings.store_dir is None:
        raise SettingsError(
            "create_app needs settings.store_dir: `mitigraph serve` writes the store and sets it"
        )
    else:
        reader = GraphReader(open_read_only(settings.store_dir))
        pool = QueryPool(
            settings.store_dir,
            size=settings.query_workers,
            timeout=settings.query_timeout,
            max_result_bytes=settings.max_result_bytes,
        )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await to_thread.run_sync(pool.start)
        try:
            yield
        finally:
            await to_thread.run_sync(pool.close)

    app = FastAPI(
        title=TITLE, version=__version__, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.add_exception_handler(ProtocolError, protocol_error_response)
    app.add_exception_handler(Exception, opaque_error_response)
    landing = build_landing(settings, examples=example_queries(), triples=len(reader.store))
    app.include_router(sparql_router(settings=settings, pool=pool, landing=landing))
    app.include_router(health_router(pool))
    app.mount(YASGUI_URL_PATH, StaticFiles(directory=YASGUI_DIR), name="yasgui")
    app.mount("/", WSGIMiddleware(pages_app(settings, reader)))  # type: ignore[arg-type]
    return app


def app_from_environment() -> FastAPI:
    """The factory uvicorn's workers call (`mitigraph.web.app:app_from_environment`)."""
    settings_json = os.environ.get(SETTINGS_VARIABLE)
    if not settings_json:
        raise SettingsError(f"{SETTINGS_VARIABLE} is not set: start the server with `mitigraph serve`")
    return create_app(Settings.from_json(settings_json))


def opaque_error_response(request: Request, error: Exception) -> Response:
    """Unknown errors are logged with their traceback and answered without any detail."""
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=error)
    return PlainTextResponse("internal server error; it has been logged\n", status_code=500)


def health_router(pool: QueryPool) -> APIRouter:
    router = APIRouter()

    def health() -> Response:
        """Ready when the query processes are up; load balancers and the tests poll this."""
        if not pool.alive():
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok", "version": __version__})

    router.add_api_route("/health", health, methods=["GET"], include_in_schema=False)
    return router


def pages_app(settings: Settings, reader: GraphReader) -> Any:
    """The Flask app of the Linked Data pages, or a minimal one while `mitigraph.web.pages` does not exist."""
    if find_spec("mitigraph.web.pages") is not None:
        from mitigraph.web import pages

        return pages.create_pages_app(settings, reader)
    return _minimal_pages_app()


def _minimal_pages_app() -> Any:
    from flask import Flask

    flask_app = Flask("mitigraph.web")

    @flask_app.get("/")
    def home() -> str:
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Mitigraph</title></head>"
            "<body><h1>Mitigraph</h1><p>A linked, validated knowledge graph of AI-risk mitigations.</p>"
            "<p><a href='/sparql'>Query it with SPARQL</a></p></body></html>"
        )

    return flask_app


# ---------------------------------------------------------------- the landing page of /sparql


def build_landing(settings: Settings, *, examples: Sequence[ExampleQuery], triples: int) -> Landing:
    """YASGUI (with the examples as tabs, assets served locally) and the service description, built once."""
    from rdflib_endpoint import SparqlRouter

    endpoint = settings.public_url.rstrip("/") + "/sparql"
    router = SparqlRouter(
        path="/sparql",
        title=TITLE,
        description=DESCRIPTION,
        version=__version__,
        graph=Graph(),
        public_url=endpoint,
        favicon="data:,",
        example_queries=yasgui_tabs(examples, endpoint=endpoint),
    )
    html = local_yasgui_assets(bytes(router.serve_yasgui().body).decode("utf-8"))
    description = describe_service(router.service_description, settings=settings, triples=triples)
    return Landing(
        yasgui_html=html,
        service_description={
            "text/turtle": description.serialize(format="turtle", encoding="utf-8"),
            "application/rdf+xml": description.serialize(format="xml", encoding="utf-8"),
            "application/ld+json": description.serialize(format="json-ld", encoding="utf-8"),
        },
    )


def yasgui_tabs(examples: Sequence[ExampleQuery], *, endpoint: str) -> dict[str, QueryExample]:
    """Every example as a named tab; rdflib-endpoint's page opens the first entry in its unnamed first tab,
    so that entry repeats the first example rather than hiding its name."""
    tabs: dict[str, QueryExample] = {
        example.label: {"query": example.query, "endpoint": endpoint} for example in examples
    }
    if not examples:
        return tabs
    return {"": tabs[examples[0].label], **tabs}


def local_yasgui_assets(html: str) -> str:
    """Point the YASGUI page at our vendored copy of @zazuko/yasgui instead of a CDN; fail if any remain."""
    html = re.sub(r"https://unpkg\.com/@[\w.-]+/yasgui@[\w.-]+/build/", YASGUI_URL_PATH + "/", html)
    if re.search(r"""(src|href)=["']https?://""", html):
        raise RuntimeError("the YASGUI page still loads assets from another site; update local_yasgui_assets")
    return html


def describe_service(description: Graph, *, settings: Settings, triples: int) -> Graph:
    """Correct rdflib-endpoint's service description to what this endpoint really does.

    It refuses SERVICE (no sd:BasicFederatedQuery) and accepts no input (no LOAD, so no sd:inputFormat);
    it writes four result formats for solutions and four for graphs; its default graph is the whole graph.
    """
    service = next(description.subjects(RDF.type, SD.Service))
    description.remove((service, SD.feature, SD.BasicFederatedQuery))
    description.remove((service, SD.inputFormat, None))
    description.remove((service, SD.resultFormat, None))
    for name in (*RESULT_FORMATS, *GRAPH_FORMATS):
        description.add((service, SD.resultFormat, URIRef(FORMATS + name)))
    description.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only: SPARQL Update is refused (403); SERVICE, FROM, FROM NAMED and LOAD are "
                f"refused (400). Limits: {settings.max_query_bytes} bytes of query text, "
                f"{settings.query_timeout:g} s per query, {settings.max_result_bytes} bytes of result.",
                lang="en",
            ),
        )
    )
    for dataset in description.objects(service, SD.defaultDataset):
        for graph in description.objects(dataset, SD.defaultGraph):
            description.add((graph, VOID.triples, Literal(triples)))
    if not any(description.objects(service, SD.defaultDataset)):
        dataset, graph = BNode(), BNode()
        description.add((service, SD.defaultDataset, dataset))
        description.add((dataset, SD.defaultGraph, graph))
        description.add((graph, VOID.triples, Literal(triples)))
    return description
