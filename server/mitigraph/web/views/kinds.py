"""Pieces several entity pages share."""

from __future__ import annotations

import re

from werkzeug.exceptions import BadRequest

from mitigraph.site.labels import readable_tail
from mitigraph.site.taxonomy import CategoryNode
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link

MAX_PAGES = 20
"""Listings page through their first MAX_PAGES x MAX_LISTED entities; the SPARQL endpoint has the rest.

Reaching deep into a listing means walking the index from its start, so a page number has a bound too.
"""
_PAGE = re.compile(r"[0-9]{1,6}")
"""A page number as typed: ASCII digits, short enough that converting it costs nothing."""
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def breadcrumb(site: Site, category: str) -> list[Link]:
    """The category's chain from the top of the taxonomy down to itself, each with its code."""
    chain = (
        [*site.figures.taxonomy.ancestors(category), site.figures.taxonomy.nodes[category]]
        if category in site.figures.taxonomy.nodes
        else []
    )
    if not chain:
        return [site.linker.link(category)]
    return [category_link(site, node) for node in chain]


def property_link(link: Link) -> Link:
    """A property as pages name it: its label from the ontology or the vocabularies the store holds, else its
    name in words ("wasDerivedFrom" -> "was derived from"), never a raw camel-case name."""
    return _in_words(link, lower=True)


def type_link(link: Link) -> Link:
    """A class as pages name it: its label, else its name in words ("ConceptScheme" -> "Concept Scheme")."""
    return _in_words(link, lower=False)


def _in_words(link: Link, *, lower: bool) -> Link:
    if link.label != readable_tail(link.iri):
        return link
    words = _CAMEL_BOUNDARY.sub(" ", link.label).replace("_", " ")
    return Link(iri=link.iri, label=words.lower() if lower else words, href=link.href)


def category_link(site: Site, node: CategoryNode) -> Link:
    """A category as every page links to it: code (when it has one), title, provisional or not."""
    return Link(
        iri=node.iri,
        label=node.title,
        href=site.linker.href(node.iri),
        notation=node.code,
        provisional=node.provisional,
    )


def page_number(raw: str | None) -> int:
    """The `?page=` of a listing, 1 when absent; raises BadRequest (400) naming the parameter otherwise.

    Only ASCII digits are read (`str.isdigit` also accepts digits such as `²` that `int` cannot read), and
    at most six of them, so no text is ever too long to convert. A number within MAX_PAGES but past the
    listing's last page is the listing's to answer (paging.py).
    """
    if raw is None:
        return 1
    if _PAGE.fullmatch(raw) is None or not 1 <= int(raw) <= MAX_PAGES:
        raise BadRequest(
            f"?page= must be a whole number from 1 to {MAX_PAGES}, got {raw[:20]!r}"
            + ("..." if len(raw) > 20 else "")
        )
    return int(raw)
