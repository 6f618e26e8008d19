"""The site cache: what the pages compute over the whole graph, written once beside the store it describes.

The downloads (each with its gzip copy and strong ETag), the CSV, the search index, the taxonomy with its
counts, the home counts, the facet counts, the coverage matrix and the documents take tens of seconds and
gigabytes to compute at 100,000 mitigations. They are computed by the process that writes the store and
kept in `<store>/mitigraph-site/`, inside the store directory, so `build --store` swaps the cache in with the
store in one rename and a replica can never pair a store with another store's cache. Web workers only read
it: the figures are one pickle of our own dataclasses (written and read by this module only, from the
store directory the operator trusts as much as the store) and the downloads stay files on disk.

A cache is current when its metadata names this package version and the same `--base`; `mitigraph serve`
computes a missing or stale one into a temporary directory before it starts any web worker, and never
writes into a persisted store it serves.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mitigraph import __version__
from mitigraph.downloads import Download, download_bodies, write_downloads
from mitigraph.store import GraphReader, open_read_only
from mitigraph.web.site_figures import (
    Counts,
    Coverage,
    SearchIndex,
    Taxonomy,
    read_counts,
    read_coverage,
    read_facet_counts,
    read_search_index,
    read_taxonomy,
)

if TYPE_CHECKING:
    from mitigraph.web.views.documents import StoredDocuments

log = logging.getLogger(__name__)

CACHE_DIR_NAME = "mitigraph-site"
"""The cache's directory inside the store directory (Oxigraph's RocksDB ignores names it did not write)."""
METADATA_FILE = "metadata.json"
FIGURES_LAYOUT = 2
"""Raised whenever the figures' classes change, so a cache written by an earlier build of the same version
is recognised as stale (its figures file has another name) rather than unpickled into missing fields."""
FIGURES_FILE = f"figures-{FIGURES_LAYOUT}.pickle"
DOWNLOADS_DIR = "downloads"


class SiteCacheError(Exception):
    """A site cache is missing, unreadable, or was written for another version or base; the message says
    which directory and what to do."""


@dataclass(frozen=True)
class CacheMetadata:
    """Read before anything else, so a stale cache is recognised without unpickling classes that changed."""

    version: str
    base: str
    triples: int
    """Triples in the store's default graph when the cache was written (decides the query processes' memory
    copies, and is the count the service description gives)."""


@dataclass(frozen=True)
class SiteFigures:
    """Everything the pages need that is computed over the whole graph."""

    taxonomy: Taxonomy
    counts: Counts
    facet_counts: dict[str, int]
    coverage: Coverage
    search_index: SearchIndex
    downloads: dict[str, Download]
    documents: StoredDocuments


@dataclass(frozen=True)
class SiteCache:
    """A loaded cache: its metadata, its figures and the directory its download files are in."""

    metadata: CacheMetadata
    figures: SiteFigures
    downloads_dir: Path


def site_cache_dir(store_dir: Path) -> Path:
    """Where a store written by Mitigraph keeps its own site cache."""
    return Path(store_dir) / CACHE_DIR_NAME


# ---------------------------------------------------------------- writing (the process that writes the store)


def write_site_cache(reader: GraphReader, directory: Path, *, base: str) -> CacheMetadata:
    """Compute every figure over the store `reader` reads and write them into `directory` (replaced whole).

    The cache is written into a sibling first and renamed into place, so a reader never sees half of one.
    """
    from mitigraph.web.views.documents import build_documents

    directory = Path(directory)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.writing-"))
    try:
        built = staging / directory.name
        built.mkdir()  # with the usual permissions: mkdtemp's are the owner's only
        (built / DOWNLOADS_DIR).mkdir()
        bodies = download_bodies(reader, base=base)
        downloads = write_downloads(bodies, directory=built / DOWNLOADS_DIR)
        documents = build_documents(base=base, reader=reader, downloads=bodies)
        del bodies
        taxonomy = read_taxonomy(reader)
        figures = SiteFigures(
            taxonomy=taxonomy,
            counts=read_counts(reader),
            facet_counts=read_facet_counts(reader),
            coverage=read_coverage(reader, taxonomy),
            search_index=read_search_index(reader, base=base),
            downloads=downloads,
            documents=documents,
        )
        metadata = CacheMetadata(version=__version__, base=base, triples=len(reader.store))
        with (built / FIGURES_FILE).open("wb") as file:
            pickle.dump(figures, file, protocol=pickle.HIGHEST_PROTOCOL)
        (built / METADATA_FILE).write_text(json.dumps(asdict(metadata), indent=2) + "\n", encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(built, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return metadata


def write_store_site_cache(store_dir: Path, *, base: str) -> CacheMetadata:
    """Write the site cache of an on-disk store into the store directory itself."""
    started = time.monotonic()
    metadata = write_site_cache(GraphReader(open_read_only(store_dir)), site_cache_dir(store_dir), base=base)
    log.info("wrote the site cache of %s in %.1f s", store_dir, time.monotonic() - started)
    return metadata


# ---------------------------------------------------------------- reading (web workers)


def read_metadata(directory: Path) -> CacheMetadata:
    path = Path(directory) / METADATA_FILE
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
        return CacheMetadata(
            version=str(values["version"]), base=str(values["base"]), triples=int(values["triples"])
        )
    except FileNotFoundError as error:
        raise SiteCacheError(
            f"no site cache at {directory}: `mitigraph build --store DIR` writes one"
        ) from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SiteCacheError(f"unreadable site cache metadata {path}: {error}") from error


def stale_reason(metadata: CacheMetadata, *, base: str) -> str | None:
    """Why a cache cannot be served with this version and base, or None when it can."""
    if metadata.version != __version__:
        return f"it was written by Mitigraph {metadata.version}, this is {__version__}"
    if metadata.base != base:
        return f"it was written for --base {metadata.base}, serving --base {base}"
    return None


def read_site_cache(directory: Path, *, base: str) -> SiteCache:
    """Load a current cache; raises SiteCacheError (never computes one) when it is missing or stale."""
    directory = Path(directory).resolve()
    metadata = read_metadata(directory)
    reason = stale_reason(metadata, base=base)
    if reason is not None:
        raise SiteCacheError(
            f"the site cache at {directory} cannot be used: {reason}; restart `mitigraph serve`"
        )
    try:
        with (directory / FIGURES_FILE).open("rb") as file:
            figures = pickle.load(file)
    except FileNotFoundError as error:
        raise SiteCacheError(
            f"the site cache at {directory} holds figures in an older layout; restart `mitigraph serve`"
        ) from error
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        raise SiteCacheError(f"unreadable site cache {directory / FIGURES_FILE}: {error}") from error
    if not isinstance(figures, SiteFigures):
        raise SiteCacheError(f"{directory / FIGURES_FILE} does not hold Mitigraph's site figures")
    return SiteCache(metadata=metadata, figures=figures, downloads_dir=directory / DOWNLOADS_DIR)


# ---------------------------------------------------------------- choosing one (serve's parent process)


@contextmanager
def usable_site_cache(reader: GraphReader, *, own_cache: Path | None, base: str) -> Iterator[Path]:
    """The cache directory web workers should read: `own_cache` when it is current, else one computed now.

    A missing or stale cache is computed into a temporary directory (removed when the context ends), never
    into the store's own directory: a persisted store may be shared by replicas or read-only.
    """
    reason = "the store has none" if own_cache is None else _unusable(own_cache, base=base)
    if reason is None and own_cache is not None:
        yield own_cache
        return
    log.warning("computing the site cache for this run, before starting the web workers: %s", reason)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mitigraph-site-") as parent:
        directory = Path(parent) / CACHE_DIR_NAME
        write_site_cache(reader, directory, base=base)
        log.warning("computed the site cache in %.1f s", time.monotonic() - started)
        yield directory


def _unusable(directory: Path, *, base: str) -> str | None:
    try:
        reason = stale_reason(read_metadata(directory), base=base)
    except SiteCacheError as error:
        return str(error)
    if reason is None and not (Path(directory) / FIGURES_FILE).is_file():
        return f"its figures are in an older layout (no {FIGURES_FILE})"
    return reason
