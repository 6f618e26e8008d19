"""The home page: what this is, the counts, the preliminary-data notice and the taxonomy tree."""

from __future__ import annotations

from flask import Blueprint, render_template

from mitigraph.web.pages import current_site
from mitigraph.web.views.kinds import breadcrumb

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index() -> str:
    site = current_site()
    tree = [(breadcrumb(site, node.iri)[-1], node.total, depth) for node, depth in site.taxonomy.walk()]
    return render_template(
        "home.html",
        counts=site.counts,
        tree=tree,
        downloads=sorted(site.downloads),
        notice=site.documents.notice,
    )
