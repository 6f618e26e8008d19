"""The page of one taxonomy category: definition, parent, children, and the mitigations in it and below."""

from __future__ import annotations

from flask import render_template

from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Statements
from mitigraph.web.views import generic
from mitigraph.web.views.kinds import breadcrumb, category_link
from mitigraph.web.views.paging import paging


def render(site: Site, iri: str, statements: Statements) -> str:
    node = site.figures.taxonomy.nodes.get(iri)
    if node is None:
        return generic.render(site, iri, statements)
    taxonomy = site.figures.taxonomy
    listing = paging(node.total)
    rows = taxonomy.members(iri, offset=listing.offset, limit=listing.size)
    links = site.linker.links(mitigation for mitigation, _ in rows)
    categories = {category: category_link(site, taxonomy.nodes[category]) for _, category in rows}
    return render_template(
        "category.html",
        iri=iri,
        node=node,
        crumbs=breadcrumb(site, iri),
        parent=category_link(site, taxonomy.nodes[node.parent]) if node.parent else None,
        children=[
            (category_link(site, taxonomy.nodes[child]), taxonomy.nodes[child].total)
            for child in node.children
        ],
        listed=[(links[mitigation], categories[category]) for mitigation, category in rows],
        listing=listing,
    )
