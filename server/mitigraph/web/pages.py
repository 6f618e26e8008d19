"""The Linked Data pages: a Flask app built from the settings, a reader over the store and its written site,
with one blueprint per kind of page (mitigraph.web.views)."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException

from mitigraph.settings import Settings
from mitigraph.site.layout import WrittenSite
from mitigraph.store import GraphReader
from mitigraph.web.loaded_site import SITE_KEY, load_site
from mitigraph.web.views import (
    coverage,
    documents,
    downloads,
    entity,
    home,
    mitigations,
    queries,
    search,
)
from mitigraph.web.views.responses import http_error, refuse_options


def create_pages_app(settings: Settings, reader: GraphReader, *, written: WrittenSite) -> Flask:
    """The pages app, ready to mount at "/" beside the SPARQL endpoint."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.extensions[SITE_KEY] = load_site(settings, reader, written=written)
    for module in (home, mitigations, entity, search, coverage, queries, downloads, documents):
        app.register_blueprint(module.blueprint)
    app.before_request(refuse_options)
    app.register_error_handler(HTTPException, http_error)
    return app
