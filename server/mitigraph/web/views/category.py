"""The page of one taxonomy category: definition, parent, children, and the mitigations in it and below."""

from __future__ import annotations

from flask import render_template, request

from mitigraph.web.page_queries import MAX_LISTED, Link, Statements, code_key, members
from mitigraph.web.pages import Site
from mitigraph.web.views import generic
from mitigraph.web.views.kinds import breadcrumb, listing_is_cut, page_count, page_number


def render(site: Site, iri: str, statements: Statements) -> str:
    node = site.taxonomy.nodes.get(iri)
    if node is None:
        return generic.render(site, iri, statements)
    taxonomy = site.taxonomy
    page = page_number(request.args.get("page"))
    rows = members(site.reader, taxonomy, iri, offset=(page - 1) * MAX_LISTED)
    links = site.linker.links(mitigation for mitigation, _ in rows)
    categories = {category: breadcrumb(site, category)[-1] for _, category in rows}
    listed = sorted(
        ((links[mitigation], categories[category]) for mitigation, category in rows),
        key=lambda pair: (code_key(pair[1].notation), pair[0].label.casefold()),
    )
    children = [taxonomy.nodes[child] for child in node.children]
    return render_template(
        "category.html",
        iri=iri,
        node=node,
        crumbs=breadcrumb(site, iri),
        parent=breadcrumb(site, node.parent)[-1] if node.parent else None,
        children=[(child_link(site, child.iri), child.total) for child in children],
        listed=listed,
        page=page,
        pages=page_count(node.total),
        cut=listing_is_cut(node.total),
        first=(page - 1) * MAX_LISTED + 1,
    )


def child_link(site: Site, iri: str) -> Link:
    return breadcrumb(site, iri)[-1]
