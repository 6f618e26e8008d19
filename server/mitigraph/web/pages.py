"""The Linked Data pages: a Flask app built from the settings, a reader over the store and its site cache.

Everything a page would otherwise recompute over the whole graph (the taxonomy with its counts, the coverage
matrix, the search index, the downloads, the ontology, shapes and dataset documents) is computed once, when
the store is written, and kept in its site cache (mitigraph.site_cache); the app only loads it into a `Site`,
and a request then only runs queries bound to the entity it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mitigraph.downloads import Download
from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.settings import Settings
from mitigraph.site_cache import SiteCache
from mitigraph.store import GraphReader
from mitigraph.web.page_queries import Linker
from mitigraph.web.site_figures import Counts, Coverage, SearchIndex, Taxonomy

if TYPE_CHECKING:
    from flask import Flask

    from mitigraph.web.views.documents import Documents

SITE_KEY = "mitigraph.site"


@dataclass(frozen=True)
class Site:
    """What the pages share, loaded once per app; read it in a view with `current_site()`."""

    settings: Settings
    reader: GraphReader
    linker: Linker
    taxonomy: Taxonomy
    counts: Counts
    facet_counts: dict[str, int]
    coverage: Coverage
    search_index: SearchIndex
    downloads: dict[str, Download]
    downloads_dir: Path
    """Where the download files and their gzip copies are (inside the site cache)."""
    documents: Documents
    examples: tuple[ExampleQuery, ...]


def load_site(settings: Settings, reader: GraphReader, *, cache: SiteCache) -> Site:
    """The Site from a loaded cache: nothing here reads the whole graph."""
    from mitigraph.web.views.documents import served_documents

    figures = cache.figures
    return Site(
        settings=settings,
        reader=reader,
        linker=Linker(reader, base=settings.base),
        taxonomy=figures.taxonomy,
        counts=figures.counts,
        facet_counts=figures.facet_counts,
        coverage=figures.coverage,
        search_index=figures.search_index,
        downloads=figures.downloads,
        downloads_dir=cache.downloads_dir,
        documents=served_documents(figures.documents, settings=settings, download_names=figures.downloads),
        examples=tuple(example_queries()),
    )


def create_pages_app(settings: Settings, reader: GraphReader, *, cache: SiteCache) -> Flask:
    """The pages app, ready to mount at "/" beside the SPARQL endpoint."""
    from flask import Flask
    from werkzeug.exceptions import HTTPException

    from mitigraph.web.views import coverage, documents, downloads, entity, home, queries, search
    from mitigraph.web.views.responses import http_error, refuse_options

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.extensions[SITE_KEY] = load_site(settings, reader, cache=cache)
    for module in (home, entity, search, coverage, queries, downloads, documents):
        app.register_blueprint(module.blueprint)
    app.before_request(refuse_options)
    app.register_error_handler(HTTPException, http_error)
    return app


def current_site() -> Site:
    from flask import current_app

    site: Site = current_app.extensions[SITE_KEY]
    return site
