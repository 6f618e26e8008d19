"""What `mitigraph serve` makes sure of before any web worker starts: the store to serve (a persisted one, or
a temporary one written now) and a current site for it.

A missing or stale site is computed into a temporary directory, removed when serving ends, never into the
store's own directory: a persisted store may be shared by replicas or read-only.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, QueryTriples, Store

from mitigraph.pipeline import load_published
from mitigraph.progress import Stages
from mitigraph.remote_backend import remote_reader_and_pool
from mitigraph.settings import Settings
from mitigraph.site.build import write_store
from mitigraph.site.layout import SITE_DIR_NAME, SiteMetadata, site_dir
from mitigraph.site.reading import unusable_reason
from mitigraph.site.writing import write_site_of
from mitigraph.store import memory_store, open_read_only

log = logging.getLogger(__name__)

TEMPORARY_STORE_PREFIX = "mitigraph-store-"
TEMPORARY_SITE_PREFIX = "mitigraph-site-"
WHOLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@contextmanager
def served_store_dir(settings: Settings, *, stages: Stages | None = None) -> Iterator[Path]:
    """The on-disk store the server reads: `settings.store_dir` when given, else a temporary one.

    A temporary store holds the validated published graph and its site, and is removed when the context
    ends, so a stopped server leaves nothing behind.
    """
    if settings.store_dir is not None:
        open_read_only(settings.store_dir)  # fail now, with a clear message, not in every web worker
        yield settings.store_dir
        return
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_STORE_PREFIX) as parent:
        directory = Path(parent) / "store"
        write_published_store(settings, directory, stages=stages)
        yield directory


def write_published_store(
    settings: Settings, directory: Path, *, stages: Stages | None = None
) -> SiteMetadata:
    """Load and validate the graph `settings` publish, then write it and its site at `directory`; the loaded
    graph is not kept once the store is written."""
    checked = load_published(settings, stages=stages)
    return write_store(checked.loaded.store, directory, base=settings.base, stages=stages)


@contextmanager
def usable_site(store_dir: Path, *, base: str) -> Iterator[Path]:
    """The site web workers should read: the store's own when it is current, else one computed now."""
    own = site_dir(store_dir)
    reason = unusable_reason(own, base=base)
    if reason is None:
        yield own
        return
    log.warning("computing the site cache for this run, before starting the web workers: %s", reason)
    with temporary_site(memory_store(open_read_only(store_dir)), base=base) as directory:
        yield directory


@contextmanager
def remote_site(settings: Settings) -> Iterator[Path]:
    """A site for `serve --sparql-endpoint`, computed from a copy of the endpoint's default graph."""
    reader, _ = remote_reader_and_pool(settings)
    triples = reader.store.query(WHOLE_GRAPH)
    assert isinstance(triples, QueryTriples)
    copy = Store()
    copy.bulk_extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    log.warning("computing the site cache for this run, before starting the web workers: the store has none")
    with temporary_site(copy, base=settings.base) as directory:
        yield directory


@contextmanager
def temporary_site(store: Store, *, base: str) -> Iterator[Path]:
    """The site of `store` (an in-memory store) in a temporary directory, removed when the context ends."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_SITE_PREFIX) as parent:
        directory = Path(parent) / SITE_DIR_NAME
        write_site_of(store, directory, base=base, parallel=True)
        log.warning("computed the site cache in %.1f s", time.monotonic() - started)
        yield directory
