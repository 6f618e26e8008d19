"""`mitigraph serve`: load and validate the graph once, write the store, run the web workers over it.

Before any web worker starts, this process makes sure a current site cache exists (the store's own, or one
computed now into a temporary directory), so the workers only load it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from mitigraph.commands.validate import report_as_text
from mitigraph.loader import GraphLoadError
from mitigraph.settings import Settings, SettingsError
from mitigraph.site_cache import SiteCacheError, read_metadata, site_cache_dir, usable_site_cache
from mitigraph.store import GraphInvalid, GraphReader, StoreError, open_read_only, served_store_dir

DEFAULTS = Settings()


class _StopRequested(Exception):
    """SIGTERM arrived: unwind, so the temporary store is removed, and exit 0."""


def _stop_requested(_signum: int, _frame: FrameType | None) -> None:
    raise _StopRequested()


@click.command(name="serve")
@click.option("--host", default=DEFAULTS.host, show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=DEFAULTS.port, show_default=True, help="Port to listen on.")
@click.option(
    "--workers", type=int, default=DEFAULTS.workers, show_default=True, help="Web worker processes."
)
@click.option(
    "--query-workers",
    type=int,
    default=DEFAULTS.query_workers,
    show_default=True,
    help="SPARQL query processes per web worker.",
)
@click.option(
    "--query-timeout",
    type=float,
    default=DEFAULTS.query_timeout,
    show_default=True,
    help="Seconds a SPARQL query may run before it is stopped (503).",
)
@click.option(
    "--max-query-bytes",
    type=int,
    default=DEFAULTS.max_query_bytes,
    show_default=True,
    help="Largest SPARQL query text accepted (413 beyond).",
)
@click.option(
    "--max-result-bytes",
    type=int,
    default=DEFAULTS.max_result_bytes,
    show_default=True,
    help="Largest serialised SPARQL result sent (413 beyond).",
)
@click.option(
    "--base", default=DEFAULTS.base, show_default=True, help="Namespace of minted IRIs, served at /id/."
)
@click.option("--public-url", default=None, help="Where users reach this server [default: http://HOST:PORT].")
@click.option(
    "--graph",
    "graph_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Serve these RDF files instead of the project's graph (repeatable).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Serve an Oxigraph store written by `mitigraph build --store` instead of loading the graph.",
)
@click.option(
    "--sparql-endpoint",
    default=None,
    help="Serve the pages and /sparql from this remote SPARQL 1.1 endpoint (see `mitigraph publish`).",
)
@click.option(
    "--memory-copy-max-triples",
    type=int,
    default=DEFAULTS.memory_copy_max_triples,
    show_default=True,
    help="Largest store (triples) the query processes copy into memory; larger ones are read from disk. "
    "0: never copy.",
)
@click.option("--access-log/--no-access-log", default=DEFAULTS.access_log, show_default=True)
def command(
    *,
    host: str,
    port: int,
    workers: int,
    query_workers: int,
    query_timeout: float,
    max_query_bytes: int,
    max_result_bytes: int,
    memory_copy_max_triples: int,
    base: str,
    public_url: str | None,
    graph_files: tuple[Path, ...],
    store_dir: Path | None,
    sparql_endpoint: str | None,
    access_log: bool,
) -> None:
    """Serve the graph: SPARQL endpoint at /sparql, Linked Data pages at /, until SIGTERM or Ctrl-C."""
    try:
        settings = Settings(
            host=host,
            port=port,
            workers=workers,
            query_workers=query_workers,
            query_timeout=query_timeout,
            max_query_bytes=max_query_bytes,
            max_result_bytes=max_result_bytes,
            memory_copy_max_triples=memory_copy_max_triples,
            base=base,
            public_url=public_url or f"http://{host}:{port}",
            graph_files=graph_files,
            store_dir=store_dir,
            sparql_endpoint=sparql_endpoint,
            access_log=access_log,
        )
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
    previous_handler = signal.signal(signal.SIGTERM, _stop_requested)
    try:
        with _served(settings) as (served, site_cache):
            _run(served, site_cache=site_cache)
    except _StopRequested:
        click.echo("stopped", err=True)
    except GraphInvalid as error:
        click.echo(report_as_text(error.report, loaded=error.loaded, base=settings.base), err=True)
        click.echo("Not serving: fix the violations above first.", err=True)
        raise SystemExit(1) from error
    except (GraphLoadError, StoreError, SiteCacheError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from error
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


@contextmanager
def _served(settings: Settings) -> Iterator[tuple[Settings, Path]]:
    """The settings the workers get (with the store to read) and the site cache they load.

    A remote endpoint holds the published graph, so nothing is loaded or validated; its site cache is
    computed from it here. A local store uses its own cache when current, else one computed here.
    """
    if settings.sparql_endpoint is not None:
        from mitigraph.remote_backend import remote_reader_and_pool

        reader, _ = remote_reader_and_pool(settings)
        with usable_site_cache(reader, own_cache=None, base=settings.base) as site_cache:
            yield settings, site_cache
        return
    with served_store_dir(settings) as directory:
        reader = GraphReader(open_read_only(directory))
        own_cache = site_cache_dir(directory)
        with usable_site_cache(reader, own_cache=own_cache, base=settings.base) as site_cache:
            yield settings.with_changes(store_dir=directory), site_cache


def _describe_query_store(settings: Settings, *, site_cache: Path) -> str:
    """The line telling the operator what the query processes will read, and why."""
    if settings.sparql_endpoint is not None:
        return f"queries are answered by {settings.sparql_endpoint}"
    from mitigraph.web.app import copies_into_memory

    triples = read_metadata(site_cache).triples
    limit = settings.memory_copy_max_triples
    if copies_into_memory(settings, triples=triples):
        return f"query processes copy the store into memory ({triples} triples, limit {limit})"
    return f"query processes read the on-disk store ({triples} triples; --memory-copy-max-triples {limit})"


def _run(settings: Settings, *, site_cache: Path) -> None:
    """Run uvicorn until it is told to stop; it shuts its workers down gracefully on SIGTERM and SIGINT.

    A single-worker uvicorn re-raises the signal it caught once it has shut down; SIGTERM then reaches
    `_stop_requested`, which unwinds to `command` instead of ending the process before the store is removed.
    """
    import uvicorn

    from mitigraph.web.app import SETTINGS_VARIABLE, SITE_CACHE_VARIABLE

    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    os.environ[SITE_CACHE_VARIABLE] = str(site_cache)
    served = settings.sparql_endpoint or settings.store_dir
    click.echo(f"serving {served} at {settings.public_url} with {settings.workers} worker(s)", err=True)
    click.echo(f"site cache {site_cache}: {_describe_query_store(settings, site_cache=site_cache)}", err=True)
    uvicorn.run(
        "mitigraph.web.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=settings.access_log,
        timeout_graceful_shutdown=max(5, int(settings.query_timeout) + 1),
        log_level="info",
    )
