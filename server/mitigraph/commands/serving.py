"""What `mitigraph serve` does once its address is known to be free: load and validate the graph once,
write the store, run the web workers over it, and say when they answer.

Before any web worker starts, this process makes sure a current site exists (the store's own, or one
computed now into a temporary directory), so the workers only read it.
"""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click
import uvicorn

from mitigraph.commands.outcome import fail
from mitigraph.exit_codes import ExitCode
from mitigraph.loader import GraphLoadError
from mitigraph.pipeline import GraphInvalid
from mitigraph.progress import Stages
from mitigraph.reporting import report_as_text
from mitigraph.sandbox import SandboxUnavailable, start_up_notice
from mitigraph.settings import SETTINGS_VARIABLE, Settings
from mitigraph.site.layout import SITE_VARIABLE
from mitigraph.site.reading import SiteError, read_metadata
from mitigraph.site.served import remote_site, served_store_dir, usable_site
from mitigraph.store import StoreError

READY_POLL_SECONDS = 0.1
"""How often the ready watcher asks /health until it answers."""
SLOW_LOAD_SECONDS = 10.0
"""Past this, loading the graph at every start is worth avoiding, and `serve` says how."""


class _StopRequested(Exception):
    """SIGTERM arrived: unwind, so the temporary store is removed, and exit 0."""


def _stop_requested(_signum: int, _frame: FrameType | None) -> None:
    raise _StopRequested()


def serve(settings: Settings, *, log_config: dict[str, Any], started: float) -> None:
    """Serve until SIGTERM or Ctrl-C; a graph that cannot be read or does not conform ends the command."""
    previous_handler = signal.signal(signal.SIGTERM, _stop_requested)
    try:
        for line in start_up_notice(settings):
            click.echo(line, err=True)
        with _served(settings) as (served, site):
            _run(served, site=site, log_config=log_config, started=started)
        click.echo("stopped", err=True)
    except _StopRequested:
        click.echo("stopped", err=True)
    except GraphInvalid as error:
        click.echo(report_as_text(error.report, loaded=error.loaded, base=settings.base), err=True)
        click.echo("Not serving: fix the violations above first.", err=True)
        raise SystemExit(ExitCode.INVALID) from error
    except (GraphLoadError, StoreError, SiteError, SandboxUnavailable) as error:
        fail(error)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


@contextmanager
def _served(settings: Settings) -> Iterator[tuple[Settings, Path]]:
    """The settings the workers get (with the store to read) and the site they read.

    A remote endpoint holds the published graph, so nothing is loaded or validated; its site is computed
    from it here. A local store uses its own site when current, else one computed here.
    """
    if settings.sparql_endpoint is not None:
        with remote_site(settings) as site:
            yield settings, site
        return
    stages = Stages()
    with served_store_dir(settings, stages=stages) as directory:
        if stages.timings:
            click.echo(
                f"loaded the graph and wrote its store and site in {stages.total_seconds:.1f} s: "
                f"{stages.summary()}",
                err=True,
            )
            click.echo(f"store: {directory} (temporary: removed when the server stops)", err=True)
            if stages.total_seconds > SLOW_LOAD_SECONDS:
                graphs = " --graph FILE ..." if settings.graph_files else ""
                click.echo(
                    f"to start without loading next time: `mitigraph build{graphs} --store DIR` once, "
                    "then `mitigraph serve --store DIR`",
                    err=True,
                )
        with usable_site(directory, base=settings.base) as site:
            yield settings.with_changes(store_dir=directory), site


def _describe_query_store(settings: Settings, *, site: Path) -> str:
    """The line telling the operator what the query processes will read, and why."""
    if settings.sparql_endpoint is not None:
        return f"queries are answered by {settings.sparql_endpoint}"
    triples = read_metadata(site).triples
    limit = settings.memory_copy_max_triples
    if settings.copies_into_memory(triples=triples):
        return f"query processes copy the store into memory ({triples} triples, limit {limit})"
    return f"query processes read the on-disk store ({triples} triples; --memory-copy-max-triples {limit})"


def _run(settings: Settings, *, site: Path, log_config: dict[str, Any], started: float) -> None:
    """Run uvicorn until it is told to stop; it shuts its workers down gracefully on SIGTERM and SIGINT.

    A single-worker uvicorn re-raises the signal it caught once it has shut down; SIGTERM then reaches
    `_stop_requested`, which unwinds to `serve` instead of ending the process before the store is removed.

    Connections are uvicorn's HTTP protocol with header, body and idle timeouts and a bound on the request
    head (mitigraph.web.connections); `limit_concurrency` caps the open connections of each worker (one
    more than max_connections, as uvicorn counts the connection asking). uvicorn's own reading of
    X-Forwarded-For is off: the fair share reads it, and only from --trusted-proxy peers. No WebSockets.
    Each worker applies `log_config` before it imports the application.
    """
    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    os.environ[SITE_VARIABLE] = str(site)
    click.echo(f"site {site}: {_describe_query_store(settings, site=site)}", err=True)

    def announce() -> None:
        click.echo(
            f"ready in {time.monotonic() - started:.1f} s: {settings.public_url} ({settings.workers} web "
            f"worker(s) x {settings.query_workers} query process(es) x {settings.query_threads} threads); "
            "Ctrl-C stops it",
            err=True,
        )

    stop_watching = watch_until_ready(settings.host, settings.port, announce=announce)
    try:
        uvicorn.run(
            "mitigraph.web.app:app_from_environment",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=log_config,
            access_log=True,  # shown or not by log_config's level for uvicorn.access
            timeout_graceful_shutdown=max(5, int(settings.query_timeout) + 1),
            http="mitigraph.web.connections:protocol_from_environment",
            limit_concurrency=settings.max_connections + 1,
            proxy_headers=False,
            ws="none",
            server_header=False,
        )
    finally:
        stop_watching.set()


def watch_until_ready(host: str, port: int, *, announce: Callable[[], None]) -> threading.Event:
    """Ask /health on host:port in a daemon thread until it answers 200, then call `announce` once.

    Set the returned event to stop the watcher (when the server has stopped without ever answering).
    """
    stop = threading.Event()
    reach = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # a wildcard: loopback

    def watch() -> None:
        while not stop.is_set():
            if _answers(reach, port):
                announce()
                return
            stop.wait(READY_POLL_SECONDS)

    threading.Thread(target=watch, name="ready-watcher", daemon=True).start()
    return stop


def _answers(host: str, port: int) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == http.HTTPStatus.OK
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
