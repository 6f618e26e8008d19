"""Pieces several entity pages share."""

from __future__ import annotations

import math

from mitigraph.web.page_queries import MAX_LISTED, Link
from mitigraph.web.pages import Site

MAX_PAGES = 20
"""Listings page through their first MAX_PAGES x MAX_LISTED entities; the SPARQL endpoint has the rest.

Reaching deep into a listing means walking the index from its start, so a page number has a bound too.
"""


def breadcrumb(site: Site, category: str) -> list[Link]:
    """The category's chain from the top of the taxonomy down to itself, each with its code."""
    chain = (
        [*site.taxonomy.ancestors(category), site.taxonomy.nodes[category]]
        if category in site.taxonomy.nodes
        else []
    )
    if not chain:
        return [site.linker.link(category)]
    return [
        Link(iri=node.iri, label=node.name or node.code, href=site.linker.href(node.iri), notation=node.code)
        for node in chain
    ]


def page_number(raw: str | None) -> int:
    """The `?page=` of a listing: 1 to MAX_PAGES, 1 when absent or unreadable."""
    if raw is None or not raw.isdigit():
        return 1
    return max(1, min(int(raw), MAX_PAGES))


def page_count(total: int) -> int:
    return max(1, min(math.ceil(total / MAX_LISTED), MAX_PAGES))


def listing_is_cut(total: int) -> bool:
    """Whether some of the `total` entities are past the last page a listing shows."""
    return total > MAX_PAGES * MAX_LISTED
