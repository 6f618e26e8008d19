"""`mitigraph serve`: load and validate the graph once, write the store, run the web workers over it.

Before any web worker starts, this process makes sure a current site exists (the store's own, or one
computed now into a temporary directory), so the workers only read it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click
import uvicorn

from mitigraph.commands.options import settings_from_options, settings_options
from mitigraph.loader import GraphLoadError
from mitigraph.pipeline import GraphInvalid
from mitigraph.progress import Stages
from mitigraph.reporting import report_as_text
from mitigraph.sandbox import SandboxUnavailable, start_up_notice
from mitigraph.settings import Settings
from mitigraph.site.reading import SiteError, read_metadata
from mitigraph.site.served import remote_site, served_store_dir, usable_site
from mitigraph.store import StoreError
from mitigraph.web.app import SETTINGS_VARIABLE, SITE_VARIABLE, copies_into_memory
from mitigraph.web.connections import head_limit, protocol_factory


class _StopRequested(Exception):
    """SIGTERM arrived: unwind, so the temporary store is removed, and exit 0."""


def _stop_requested(_signum: int, _frame: FrameType | None) -> None:
    raise _StopRequested()


@click.command(name="serve")
@settings_options
def command(**options: object) -> None:
    """Serve the graph: SPARQL endpoint at /sparql, Linked Data pages at /, until SIGTERM or Ctrl-C."""
    public_url = options.pop("public_url") or f"http://{options['host']}:{options['port']}"
    settings = settings_from_options(options, public_url=public_url)
    previous_handler = signal.signal(signal.SIGTERM, _stop_requested)
    try:
        for line in start_up_notice(settings):
            click.echo(line, err=True)
        with _served(settings) as (served, site):
            _run(served, site=site)
    except _StopRequested:
        click.echo("stopped", err=True)
    except GraphInvalid as error:
        click.echo(report_as_text(error.report, loaded=error.loaded, base=settings.base), err=True)
        click.echo("Not serving: fix the violations above first.", err=True)
        raise SystemExit(1) from error
    except (GraphLoadError, StoreError, SiteError, SandboxUnavailable) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from error
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
            click.echo(f"loaded the graph, wrote its store and site: {stages.summary()}", err=True)
        with usable_site(directory, base=settings.base) as site:
            yield settings.with_changes(store_dir=directory), site


def _describe_query_store(settings: Settings, *, site: Path) -> str:
    """The line telling the operator what the query processes will read, and why."""
    if settings.sparql_endpoint is not None:
        return f"queries are answered by {settings.sparql_endpoint}"
    triples = read_metadata(site).triples
    limit = settings.memory_copy_max_triples
    if copies_into_memory(settings, triples=triples):
        return f"query processes copy the store into memory ({triples} triples, limit {limit})"
    return f"query processes read the on-disk store ({triples} triples; --memory-copy-max-triples {limit})"


def _run(settings: Settings, *, site: Path) -> None:
    """Run uvicorn until it is told to stop; it shuts its workers down gracefully on SIGTERM and SIGINT.

    A single-worker uvicorn re-raises the signal it caught once it has shut down; SIGTERM then reaches
    `_stop_requested`, which unwinds to `command` instead of ending the process before the store is removed.

    Connections are uvicorn's HTTP protocol with header, body and idle timeouts and a bound on the request
    head (mitigraph.web.connections); `limit_concurrency` caps the open connections of each worker (one
    more than max_connections, as uvicorn counts the connection asking). uvicorn's own reading of
    X-Forwarded-For is off: the fair share reads it, and only from --trusted-proxy peers. No WebSockets.
    """
    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    os.environ[SITE_VARIABLE] = str(site)
    served = settings.sparql_endpoint or settings.store_dir
    click.echo(f"serving {served} at {settings.public_url} with {settings.workers} worker(s)", err=True)
    click.echo(f"site cache {site}: {_describe_query_store(settings, site=site)}", err=True)
    uvicorn.run(
        "mitigraph.web.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=settings.access_log,
        timeout_graceful_shutdown=max(5, int(settings.query_timeout) + 1),
        log_level="info",
        http=protocol_factory(  # type: ignore[arg-type]  # uvicorn calls it like its protocol classes
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            keep_alive_timeout=settings.keep_alive_timeout,
            max_head_bytes=head_limit(settings.max_query_bytes),
        ),
        limit_concurrency=settings.max_connections + 1,
        proxy_headers=False,
        ws="none",
        server_header=False,
    )
