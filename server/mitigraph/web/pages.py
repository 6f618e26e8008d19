"""The Linked Data pages: a Flask app built from the settings and a reader over the Oxigraph store.

Everything a page would otherwise recompute over the whole graph (the taxonomy with its counts, the coverage
matrix, the search index, the downloads, the ontology, shapes and dataset documents) is computed here, once,
and kept in the app as a `Site`; a request then only runs queries bound to the entity it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mitigraph.downloads import Download, build_downloads
from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.settings import Settings
from mitigraph.store import GraphReader
from mitigraph.web.page_queries import (
    Counts,
    Coverage,
    Linker,
    SearchIndex,
    Taxonomy,
    read_counts,
    read_coverage,
    read_facet_counts,
    read_search_index,
    read_taxonomy,
)

if TYPE_CHECKING:
    from flask import Flask

    from mitigraph.web.views.documents import Documents

SITE_KEY = "mitigraph.site"


@dataclass(frozen=True)
class Site:
    """What the pages share, computed once per app; read it in a view with `current_site()`."""

    settings: Settings
    reader: GraphReader
    linker: Linker
    taxonomy: Taxonomy
    counts: Counts
    facet_counts: dict[str, int]
    coverage: Coverage
    search_index: SearchIndex
    downloads: dict[str, Download]
    documents: Documents
    examples: tuple[ExampleQuery, ...]


def build_site(settings: Settings, reader: GraphReader) -> Site:
    from mitigraph.web.views.documents import build_documents

    downloads = build_downloads(reader, base=settings.base)
    taxonomy = read_taxonomy(reader)
    return Site(
        settings=settings,
        reader=reader,
        linker=Linker(reader, base=settings.base),
        taxonomy=taxonomy,
        counts=read_counts(reader),
        facet_counts=read_facet_counts(reader),
        coverage=read_coverage(reader, taxonomy),
        search_index=read_search_index(reader, base=settings.base),
        downloads=downloads,
        documents=build_documents(settings, reader=reader, downloads=downloads),
        examples=tuple(example_queries()),
    )


def create_pages_app(settings: Settings, reader: GraphReader) -> Flask:
    """The pages app, ready to mount at "/" beside the SPARQL endpoint."""
    from flask import Flask

    from mitigraph.web.views import coverage, documents, downloads, entity, home, queries, search

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.extensions[SITE_KEY] = build_site(settings, reader)
    for module in (home, entity, search, coverage, queries, downloads, documents):
        app.register_blueprint(module.blueprint)
    app.register_error_handler(404, entity.page_not_found)
    return app


def current_site() -> Site:
    from flask import current_app

    site: Site = current_app.extensions[SITE_KEY]
    return site
