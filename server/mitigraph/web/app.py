"""The app factory: one ASGI app that serves the SPARQL endpoint, /health, YASGUI's assets and the pages.

FastAPI serves `/sparql` and `/health`; rdflib-endpoint's SparqlRouter is only asked for its YASGUI page
and its service description (its own query routes, which run rdflib's engine, are never mounted); the
Flask app of the Linked Data pages is mounted at `/` after them. `mitigraph serve` writes the store (or opens
a persisted one), makes sure a current site cache exists, and starts uvicorn workers that each build this
app from the settings in MITIGRAPH_SETTINGS and load that cache: a worker never computes it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

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
from mitigraph.site_cache import read_site_cache, site_cache_dir
from mitigraph.store import GraphReader, open_read_only
from mitigraph.web.pages import create_pages_app
from mitigraph.web.sparql import Landing, ProtocolError, protocol_error_response, sparql_router

SETTINGS_VARIABLE = "MITIGRAPH_SETTINGS"
"""The environment variable through which `mitigraph serve` hands its Settings (as JSON) to each worker."""
SITE_CACHE_VARIABLE = "MITIGRAPH_SITE_CACHE"
"""Set by `mitigraph serve` when the workers read a site cache other than the store's own (one it computed
because the store had none, or one from another version)."""
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


QUERY_STORE_MEMORY = "in-memory copies"
QUERY_STORE_DISK = "on-disk store"
QUERY_STORE_REMOTE = "remote endpoint"


def create_app(settings: Settings, *, site_cache: Path | None = None) -> FastAPI:
    """Build the whole server for `settings`; `settings.store_dir` must hold the store to serve.

    The pages' figures are loaded from `site_cache` (by default the store's own); a missing or stale cache
    raises SiteCacheError: `mitigraph serve` computes one before it starts the workers, never here.
    """
    if settings.sparql_endpoint is not None:
        from mitigraph.remote_backend import remote_reader_and_pool

        reader, pool = remote_reader_and_pool(settings)
        cache = read_site_cache(_required(site_cache), base=settings.base)
        query_store = QUERY_STORE_REMOTE
    elif settings.store_dir is None:
        raise SettingsError(
            "create_app needs settings.store_dir: `mitigraph serve` writes the store and sets it"
        )
    else:
        reader = GraphReader(open_read_only(settings.store_dir))
        cache = read_site_cache(site_cache or site_cache_dir(settings.store_dir), base=settings.base)
        memory_copy = copies_into_memory(settings, triples=cache.metadata.triples)
        pool = QueryPool(
            settings.store_dir,
            size=settings.query_workers,
            timeout=settings.query_timeout,
            max_result_bytes=settings.max_result_bytes,
            memory_copy=memory_copy,
        )
        query_store = QUERY_STORE_MEMORY if memory_copy else QUERY_STORE_DISK

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
    landing = build_landing(settings, examples=example_queries(), triples=cache.metadata.triples)
    app.include_router(sparql_router(settings=settings, pool=pool, landing=landing))
    app.include_router(health_router(pool, query_store=query_store, triples=cache.metadata.triples))
    app.mount(YASGUI_URL_PATH, StaticFiles(directory=YASGUI_DIR), name="yasgui")
    app.mount("/", WSGIMiddleware(create_pages_app(settings, reader, cache=cache)))  # type: ignore[arg-type]
    return app


def copies_into_memory(settings: Settings, *, triples: int) -> bool:
    """Whether the query processes copy a store of `triples` into memory (memory_copy_max_triples)."""
    return settings.memory_copy_max_triples > 0 and triples <= settings.memory_copy_max_triples


def _required(site_cache: Path | None) -> Path:
    if site_cache is None:
        raise SettingsError(
            f"serving a remote endpoint needs a site cache: start the server with `mitigraph serve`, "
            f"which computes one and names it in {SITE_CACHE_VARIABLE}"
        )
    return site_cache


def app_from_environment() -> FastAPI:
    """The factory uvicorn's workers call (`mitigraph.web.app:app_from_environment`)."""
    settings_json = os.environ.get(SETTINGS_VARIABLE)
    if not settings_json:
        raise SettingsError(f"{SETTINGS_VARIABLE} is not set: start the server with `mitigraph serve`")
    site_cache = os.environ.get(SITE_CACHE_VARIABLE)
    return create_app(Settings.from_json(settings_json), site_cache=Path(site_cache) if site_cache else None)


def opaque_error_response(request: Request, error: Exception) -> Response:
    """Unknown errors are logged with their traceback and answered without any detail."""
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=error)
    return PlainTextResponse("internal server error; it has been logged\n", status_code=500)


def health_router(pool: QueryPool, *, query_store: str, triples: int) -> APIRouter:
    """`/health`: readiness, and what an operator sizing the machine wants to know (what queries read)."""
    router = APIRouter()
    detail = {"version": __version__, "query_store": query_store, "triples": triples}

    def health() -> Response:
        """Ready when the query processes are up; load balancers and the tests poll this."""
        if not pool.alive():
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok", **detail})

    router.add_api_route("/health", health, methods=["GET"], include_in_schema=False)
    return router


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
