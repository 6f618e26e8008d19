"""Where an entity the generic page shows comes from: what it states about its origin (derived from, source,
defined by, a page about it), the sources naming an author, and for a navigator page its page on the
navigator.

A navigator page's IRI is the navigator's URL when the page showed its navigator id; otherwise (a page
saved without it) the page may still name the URL or the id, and when it names neither the page says so and
points at the navigator pages its records were also found on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS

from mitigraph.iris import NAVIGATOR_PAGES, Minter
from mitigraph.namespaces import MG
from mitigraph.site.labels import readable_tail
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, Statements, objects, unique
from mitigraph.web.views.kinds import property_link

ORIGIN_PREDICATES = tuple(
    str(p)
    for p in (
        PROV.wasDerivedFrom,
        DCTERMS.source,
        RDFS.isDefinedBy,
        FOAF.page,
        RDFS.seeAlso,
        DCAT.landingPage,
    )
)
"""Statements that say where an entity comes from, or where its original is."""
AUTHORED = str(DCTERMS.creator)
"""An author comes from the sources that name it as one."""


@dataclass(frozen=True)
class Origin:
    links: tuple[tuple[Link, Link], ...]
    """(how, what) the entity states: "was derived from" -> the navigator."""
    authored: tuple[Link, ...]
    """For an author: the sources that name it as one."""
    navigator: Link | None
    """A navigator page's page on the navigator."""
    unlinked_page: str
    """A navigator page saved without its navigator id: the id of its saved copy; else ""."""
    pages_alike: tuple[Link, ...] = ()
    """For such a page: the navigator pages its records were also derived from (where to read them)."""
    dataset: Link | None = None
    """For an entity that states no origin of its own: the dataset it belongs to, which does."""


def origin_of(
    site: Site, iri: str, statements: Statements, links: dict[str, Link], incoming: list[tuple[str, str]]
) -> Origin:
    """`links` labels the entity's predicates and objects and its referrers (the generic page's links)."""
    stated = tuple(
        (property_link(links[predicate]), links[target])
        for predicate in ORIGIN_PREDICATES
        for target in statements.iris(predicate)
    )
    authored = tuple(
        sorted((links[s] for s, p in incoming if p == AUTHORED), key=lambda link: link.label.casefold())
    )
    if str(MG.NavigatorPage) not in statements.iris(str(RDF.type)):
        dataset = str(Minter(site.settings.base).dataset())
        fallback = None if stated or authored or iri == dataset else site.linker.link(dataset)
        return Origin(links=stated, authored=authored, navigator=None, unlinked_page="", dataset=fallback)
    navigator = navigator_page_link(site, iri, statements)
    if navigator is not None:
        return Origin(links=stated, authored=authored, navigator=navigator, unlinked_page="")
    derived = [subject for subject, predicate in incoming if predicate == str(PROV.wasDerivedFrom)]
    alike = unique(
        page.value
        for record in derived
        for page in objects(site.reader, record, str(PROV.wasDerivedFrom))
        if isinstance(page, NamedNode) and page.value.startswith(NAVIGATOR_PAGES)
    )
    return Origin(
        links=stated,
        authored=authored,
        navigator=None,
        unlinked_page=statements.text(str(DCTERMS.identifier)) or readable_tail(iri),
        pages_alike=tuple(sorted(site.linker.links(alike).values(), key=lambda link: link.label)),
    )


def navigator_page_link(site: Site, iri: str, statements: Statements) -> Link | None:
    """Where a navigator page is on the navigator: its own IRI, a page it names, or its navigator id."""
    label = statements.label(iri) + " on the navigator"
    if iri.startswith(NAVIGATOR_PAGES):
        return Link(iri=iri, label=label, href=iri)
    named = [t for p in ORIGIN_PREDICATES for t in statements.iris(p) if t.startswith(NAVIGATOR_PAGES)]
    navigator_id = statements.text(str(MG.navigatorId))
    if named:
        return Link(iri=named[0], label=label, href=named[0])
    if navigator_id:
        url = str(Minter(site.settings.base).navigator_page(navigator_id))
        return Link(iri=url, label=label, href=url)
    return None
