"""The home page (what this is, the counts, the preliminary-data notice, the taxonomy tree) and the
alphabetical listing of every source (`/sources`); every record is in the filterable list (`mitigations`).

The counts and the tree come from the written site, the listing's order from its catalogue index; a listing
page only looks up the labels and markers of the fifty entities it shows.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from mitigraph.web.loaded_site import current_site
from mitigraph.web.views.kinds import category_link
from mitigraph.web.views.paging import paging

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index() -> str:
    site = current_site()
    tree = [(category_link(site, node), node, depth) for node, depth in site.figures.taxonomy.walk()]
    return render_template(
        "home.html",
        counts=site.figures.counts,
        tree=tree,
        downloads=sorted(site.figures.downloads),
        notice=site.figures.documents.notice,
    )


@blueprint.get("/sources")
def sources() -> str:
    """Every source from A to Z, fifty a page, with the start of its abstract."""
    site = current_site()
    listing = paging(site.catalogue.count("source"))
    entries = site.catalogue.listing("source", offset=listing.offset, limit=listing.size)
    links = site.linker.links(entry.iri for entry in entries)
    return render_template(
        "listing.html",
        title="Sources",
        singular="source",
        plural="sources",
        listing=listing,
        listed=[(links[entry.iri], None, entry) for entry in entries],
    )
