"""`mitigraph serve`: load and validate the graph once, write the store, run the web workers over it."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType

import click

from mitigraph.commands.validate import report_as_text
from mitigraph.loader import GraphLoadError
from mitigraph.settings import Settings, SettingsError
from mitigraph.store import GraphInvalid, StoreError, served_store_dir

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
            base=base,
            public_url=public_url or f"http://{host}:{port}",
            graph_files=graph_files,
            store_dir=store_dir,
            sparql_endpoint=sparql_endpoint,
            access_log=access_log,
        )
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
    if settings.sparql_endpoint is not None:
        _run(settings)  # nothing to load or validate here: the remote store holds the published graph
        return
    previous_handler = signal.signal(signal.SIGTERM, _stop_requested)
    try:
        with served_store_dir(settings) as directory:
            _run(settings.with_changes(store_dir=directory))
    except _StopRequested:
        click.echo("stopped", err=True)
    except GraphInvalid as error:
        click.echo(report_as_text(error.report, loaded=error.loaded, base=settings.base), err=True)
        click.echo("Not serving: fix the violations above first.", err=True)
        raise SystemExit(1) from error
    except (GraphLoadError, StoreError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from error
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


def _run(settings: Settings) -> None:
    """Run uvicorn until it is told to stop; it shuts its workers down gracefully on SIGTERM and SIGINT.

    A single-worker uvicorn re-raises the signal it caught once it has shut down; SIGTERM then reaches
    `_stop_requested`, which unwinds to `command` instead of ending the process before the store is removed.
    """
    import uvicorn

    from mitigraph.web.app import SETTINGS_VARIABLE

    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    click.echo(
        f"serving {settings.store_dir} at {settings.public_url} with {settings.workers} worker(s)", err=True
    )
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
