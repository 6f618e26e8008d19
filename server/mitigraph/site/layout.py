"""What a written site holds and where: its directory inside the store directory, its metadata, its figures
(one pickle of our own dataclasses), its catalogue index (one SQLite file) and its download files.

The site lives in `<store>/mitigraph-site/`, inside the store directory, so a store and its site are written,
swapped in and copied together, and a replica can never pair a store with another store's site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mitigraph.site.coverage import Coverage
from mitigraph.site.documents import StoredDocuments
from mitigraph.site.downloads import Download
from mitigraph.site.figures import Counts
from mitigraph.site.taxonomy import Taxonomy

SITE_DIR_NAME = "mitigraph-site"
"""The site's directory inside the store directory (Oxigraph's RocksDB ignores names it did not write)."""
METADATA_FILE = "metadata.json"
FIGURES_LAYOUT = 4
"""Raised whenever the figures' classes change, so a site written by an earlier build of the same version
is recognised as stale (its figures file has another name) rather than unpickled into missing fields."""
FIGURES_FILE = f"figures-{FIGURES_LAYOUT}.pickle"
DOWNLOADS_DIR = "downloads"
SITE_VARIABLE = "MITIGRAPH_SITE"
"""Set by `mitigraph serve` to the site the workers read: the store's own, or one it computed because the
store had none, or one written by another version."""


@dataclass(frozen=True)
class SiteMetadata:
    """Read before anything else, so a stale site is recognised without unpickling classes that changed."""

    version: str
    base: str
    triples: int
    """Triples in the store's default graph when the site was written (decides the query processes' memory
    copies, and is the count the service description gives)."""


@dataclass(frozen=True)
class SiteFigures:
    """Everything the pages need that is computed over the whole graph."""

    taxonomy: Taxonomy
    counts: Counts
    facet_counts: dict[str, int]
    coverage: Coverage
    downloads: dict[str, Download]
    documents: StoredDocuments


@dataclass(frozen=True)
class WrittenSite:
    """A site as read back: its metadata, its figures, its catalogue index and the directory its download
    files are in."""

    metadata: SiteMetadata
    figures: SiteFigures
    downloads_dir: Path
    catalogue_path: Path


def site_dir(store_dir: Path) -> Path:
    """Where a store written by Mitigraph keeps its own site."""
    return Path(store_dir) / SITE_DIR_NAME
