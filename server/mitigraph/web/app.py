"""The app factory: one ASGI app that serves the SPARQL endpoint, /health, YASGUI's assets and the pages.

`/sparql` is answered in front of FastAPI (`Server`): its endpoint behind only what it needs of FastAPI's
stack (CORS and the error answers), since every request pays for each layer. FastAPI serves `/health`;
rdflib-endpoint's SparqlRouter is only asked for its YASGUI page
and its service description (its own query routes, which run rdflib's engine, are never mounted); the
Flask app of the Linked Data pages is mounted at `/` after them. `mitigraph serve` writes the store (or opens
a persisted one), makes sure a current site exists (mitigraph.site), and starts uvicorn workers that each
build this app from the settings in MITIGRAPH_SETTINGS and read that site: a worker never computes it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from a2wsgi import WSGIMiddleware
from anyio import to_thread
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from mitigraph import __version__
from mitigraph.query_pool import PoolStats, QueryPool
from mitigraph.remote_backend import remote_reader_and_pool
from mitigraph.settings import Settings, SettingsError
from mitigraph.site import read_site, site_dir
from mitigraph.site.layout import SITE_VARIABLE
from mitigraph.site.reading import read_metadata
from mitigraph.store import GraphReader, open_read_only
from mitigraph.web.editor import TITLE, YASGUI_DIR, YASGUI_URL_PATH, build_landing
from mitigraph.web.errors import ErrorResponses, HandledErrors, UnexpectedErrors, refuse_other_methods
from mitigraph.web.loaded_site import SITE_KEY
from mitigraph.web.pages import create_pages_app
from mitigraph.web.sparql import QUERY_METHODS, SparqlEndpoint

log = logging.getLogger(__name__)


HEALTH_HEADERS = {"Cache-Control": "no-store"}
HEALTH_METHODS = ("GET", "HEAD")
SPARQL_PATHS = ("/sparql", "/sparql/")
CORS_DOCUMENT_PREFIXES = ("/id/", "/download/")
CORS_DOCUMENTS = ("/context.jsonld",)
CORS_REQUEST_HEADERS = ("Accept", "Content-Type")
CORS_MAX_AGE_SECONDS = 600
QUERY_STORE_MEMORY = "in-memory copies"
QUERY_STORE_DISK = "on-disk store"
QUERY_STORE_REMOTE = "remote endpoint"


def create_app(settings: Settings, *, site: Path | None = None) -> Server:
    """Build the whole server for `settings`; `settings.store_dir` must hold the store to serve.

    The pages' figures are read from the written `site` (by default the store's own); a missing or stale
    site raises SiteError: `mitigraph serve` computes one before it starts the workers, never here.
    """
    if settings.sparql_endpoint is not None:
        reader, pool = remote_reader_and_pool(settings)
        written = read_site(_required(site), base=settings.base)
        query_store = QUERY_STORE_REMOTE
    elif settings.store_dir is None:
        raise SettingsError(
            "create_app needs settings.store_dir: `mitigraph serve` writes the store and sets it"
        )
    else:
        site = site or site_dir(settings.store_dir)
        memory_copy = settings.copies_into_memory(triples=read_metadata(site).triples)
        pool = QueryPool.from_settings(settings.store_dir, settings, memory_copy=memory_copy)
        pool.launch()  # the query processes start while this worker reads its site
        try:
            reader = GraphReader(open_read_only(settings.store_dir))
            written = read_site(site, base=settings.base)
        except BaseException:
            pool.close()
            raise
        query_store = QUERY_STORE_MEMORY if memory_copy else QUERY_STORE_DISK

    lifecycle = PoolLifecycle()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await to_thread.run_sync(pool.start)
        lifecycle.started = True
        try:
            yield
        finally:
            lifecycle.started = False
            await to_thread.run_sync(pool.close)

    app = FastAPI(
        title=TITLE, version=__version__, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    pages = create_pages_app(settings, reader, written=written)
    errors = ErrorResponses(pages)
    errors.install(app)
    app.add_middleware(ReadOnlyCORS)
    landing = build_landing(
        settings, examples=pages.extensions[SITE_KEY].examples, triples=written.metadata.triples, pages=pages
    )
    sparql = sparql_layers(SparqlEndpoint(settings=settings, pool=pool, landing=landing), errors)
    app.include_router(
        health_router(pool, lifecycle=lifecycle, query_store=query_store, triples=written.metadata.triples)
    )
    refuse_other_methods(app, ("/health",), allow=HEALTH_METHODS)
    app.mount(YASGUI_URL_PATH, StaticFiles(directory=YASGUI_DIR), name="yasgui")
    app.mount("/", WSGIMiddleware(pages))  # type: ignore[arg-type]
    return Server(app, sparql=sparql)


def sparql_layers(endpoint: ASGIApp, errors: ErrorResponses) -> ASGIApp:
    """/sparql's endpoint behind what FastAPI's stack gave it: CORS (GET, HEAD, POST) around the answers to
    ProtocolError and HTTPException, and the opaque 500 for anything else outside CORS, as
    ServerErrorMiddleware wrote it."""
    return UnexpectedErrors(_cors(HandledErrors(endpoint, errors), methods=QUERY_METHODS), errors)


class Server:
    """The ASGI app uvicorn runs: `/sparql` (and `/sparql/`) straight to its endpoint, everything else
    (the lifespan too) to the FastAPI app.

    The endpoint gets what FastAPI's stack gave it (CORS, then ProtocolError answers inside it and the
    opaque 500 outside it, mitigraph.web.errors) and skips the rest: routing, telemetry hooks, the
    framework's body limit (unset: the endpoint limits its own body) and exit stacks.
    """

    def __init__(self, app: FastAPI, *, sparql: ASGIApp) -> None:
        self.app = app
        self._sparql = sparql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in SPARQL_PATHS:
            await self._sparql(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _required(site: Path | None) -> Path:
    if site is None:
        raise SettingsError(
            f"serving a remote endpoint needs a site cache: start the server with `mitigraph serve`, "
            f"which computes one and names it in {SITE_VARIABLE}"
        )
    return site


def app_from_environment() -> Server:
    """The factory uvicorn's workers call (`mitigraph.web.app:app_from_environment`)."""
    site = os.environ.get(SITE_VARIABLE)
    return create_app(Settings.from_environment(), site=Path(site) if site else None)


@dataclass
class PoolLifecycle:
    """Whether this worker's query pool has been started (and not yet closed), as /health reports it."""

    started: bool = False


class ReportingPool(Protocol):
    """What /health needs of a query pool (the local one or the remote endpoint's)."""

    def stats(self) -> PoolStats: ...


def health_router(
    pool: ReportingPool, *, lifecycle: PoolLifecycle, query_store: str, triples: int
) -> APIRouter:
    """`/health`: readiness, the state of this worker's query processes, and what an operator sizing the
    machine wants to know (what queries read).

    The handler is `async def` and only reads the pool's counters, so it runs on the event loop: it never
    waits in the threadpool behind requests that wait for a query process. Each web worker has its own pool;
    the answer describes the pool of the worker that answered.
    """
    router = APIRouter()
    detail = {"version": __version__, "query_store": query_store, "triples": triples}

    async def health() -> Response:
        stats = pool.stats() if lifecycle.started else None
        status, code = pool_status(stats)
        report: dict[str, object] = {"status": status, **detail}
        if stats is not None:
            report["query_processes"] = {
                "size": stats.size,
                "alive": stats.alive,
                "busy": stats.busy,
                "waiting": stats.waiting,
            }
        return JSONResponse(report, status_code=code, headers=HEALTH_HEADERS)

    router.add_api_route("/health", health, methods=list(HEALTH_METHODS), include_in_schema=False)
    return router


def pool_status(stats: PoolStats | None) -> tuple[str, int]:
    """What /health says (and its status code) of a pool: None before it has started.

    `ok` (200) while a query can be served; `starting` before the pool is up and `degraded` with no query
    process alive (503, so a load balancer sends no one here).
    """
    if stats is None:
        return "starting", 503
    if stats.alive == 0:
        return "degraded", 503
    return "ok", 200


class ReadOnlyCORS:
    """CORS for the read-only documents, so browser apps on other origins (YASGUI elsewhere, Comunica, a
    notebook) can read them: `/id/...`, `/download/...` and `/context.jsonld` (GET, HEAD); `/sparql` has its
    own (GET, HEAD, POST; `Server`). Starlette's CORSMiddleware answers preflights and adds
    `Access-Control-Allow-Origin: *`; this only chooses, by path, where it applies (the pages get none).
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._documents = _cors(app, methods=("GET", "HEAD"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(CORS_DOCUMENT_PREFIXES) or path in CORS_DOCUMENTS:
            await self._documents(scope, receive, send)
        else:
            await self._app(scope, receive, send)


def _cors(app: ASGIApp, *, methods: Sequence[str]) -> CORSMiddleware:
    return CORSMiddleware(
        app,
        allow_origins=["*"],
        allow_methods=list(methods),
        allow_headers=list(CORS_REQUEST_HEADERS),
        expose_headers=["Retry-After"],
        max_age=CORS_MAX_AGE_SECONDS,
    )
