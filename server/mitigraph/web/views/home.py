"""The home page (what this is, the counts, the preliminary-data notice, the taxonomy tree) and the
catalogue's alphabetical listings it leads to: every record (`/mitigations`) and every source (`/sources`).

The counts, the tree and the listings' order come from the site cache; a listing page only looks up the
labels and markers of the fifty entities it shows.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from mitigraph.web.loaded_site import current_site
from mitigraph.web.page_queries import categories_of
from mitigraph.web.views.kinds import category_link
from mitigraph.web.views.paging import paging

blueprint = Blueprint("home", __name__)

LISTINGS = {
    "mitigations": ("mitigation", "Records", "record", "records"),
    "sources": ("source", "Sources", "source", "sources"),
}
"""Route name -> (the kind of entity listed, the page's title, what the range line counts)."""


@blueprint.get("/")
def index() -> str:
    site = current_site()
    tree = [(category_link(site, node), node, depth) for node, depth in site.figures.taxonomy.walk()]
    return render_template(
        "home.html",
        counts=site.figures.counts,
        tree=tree,
        downloads=sorted(site.figures.downloads),
        notice=site.documents.notice,
    )


@blueprint.get("/mitigations")
def mitigations() -> str:
    return listing_page("mitigations")


@blueprint.get("/sources")
def sources() -> str:
    return listing_page("sources")


def listing_page(name: str) -> str:
    site = current_site()
    kind, title, singular, plural = LISTINGS[name]
    listing = paging(site.figures.search_index.kind_count(kind))
    entries = site.figures.search_index.listing(kind, offset=listing.offset, limit=listing.size)
    links = site.linker.links(entry.iri for entry in entries)
    categories = {
        entry.iri: category_link(site, site.figures.taxonomy.nodes[category])
        for entry in entries
        for category in categories_of(site.reader, entry.iri)[:1]
        if category in site.figures.taxonomy.nodes
    }
    return render_template(
        "listing.html",
        title=title,
        singular=singular,
        plural=plural,
        listing=listing,
        listed=[(links[entry.iri], categories.get(entry.iri), entry) for entry in entries],
    )
