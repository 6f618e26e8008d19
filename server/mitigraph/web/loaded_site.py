"""The `Site` a pages app shares: the written site as one web worker loaded it (mitigraph.site), the reader
over the store, and the VoID description with this server's own URLs; views read it with `current_site()`.

Everything a page would otherwise recompute over the whole graph was computed once, when the store was
written; a request then only runs queries bound to the entity it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.iris import Minter
from mitigraph.namespaces import bind_prefixes
from mitigraph.settings import Settings
from mitigraph.site.catalogue import Catalogue
from mitigraph.site.documents import StoredDocuments, in_every_page_format
from mitigraph.site.layout import SiteFigures, WrittenSite
from mitigraph.store import GraphReader
from mitigraph.web.page_queries import Linker

SITE_KEY = "mitigraph.site"


@dataclass(frozen=True)
class Site:
    """What the pages share, loaded once per app; read it in a view with `current_site()`."""

    settings: Settings
    reader: GraphReader
    linker: Linker
    figures: SiteFigures
    """Everything about the whole graph, as the written site holds it (the documents pages serve included)."""
    downloads_dir: Path
    """Where the download files and their gzip copies are (inside the written site)."""
    catalogue: Catalogue
    """Word search and the filterable list (the written site's catalogue index, opened read-only)."""
    void_bytes: dict[str, bytes]
    """The VoID description naming this server's SPARQL endpoint and download URLs, in every page format."""
    examples: tuple[ExampleQuery, ...]


def load_site(settings: Settings, reader: GraphReader, *, written: WrittenSite) -> Site:
    """The Site from a written site: nothing here reads the whole graph."""
    figures = written.figures
    return Site(
        settings=settings,
        reader=reader,
        linker=Linker(reader, base=settings.base),
        figures=figures,
        downloads_dir=written.downloads_dir,
        catalogue=Catalogue(written.catalogue_path),
        void_bytes=served_void(figures.documents, settings=settings, download_names=figures.downloads),
        examples=tuple(example_queries()),
    )


def served_void(
    stored: StoredDocuments, *, settings: Settings, download_names: Iterable[str]
) -> dict[str, bytes]:
    """The stored VoID description with this server's SPARQL endpoint and download URLs, by media type."""
    void = bind_prefixes(Graph(), base=settings.base)
    for triple in stored.void_triples:
        void.add(triple)
    dataset = Minter(settings.base).dataset()
    public = settings.public_url.rstrip("/")
    void.add((dataset, VOID.sparqlEndpoint, URIRef(f"{public}/sparql")))
    for filename in sorted(download_names):
        void.add((dataset, VOID.dataDump, URIRef(f"{public}/download/{filename}")))
    return in_every_page_format(void, base=settings.base)


def current_site() -> Site:
    site: Site = current_app.extensions[SITE_KEY]
    return site
