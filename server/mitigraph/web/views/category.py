"""The page of one taxonomy category: definition, where it comes from, parent, children, and the mitigations
in it and below, each with what tells it apart from a record of the same label (its whereabouts)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from pyoxigraph import Literal, NamedNode
from rdflib.namespace import PROV, RDFS, SKOS

from mitigraph.namespaces import MG
from mitigraph.site.labels import best_literal, is_true
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, Statements, objects
from mitigraph.web.text_rendering import text_blocks
from mitigraph.web.views import generic
from mitigraph.web.views.kinds import breadcrumb, category_link
from mitigraph.web.views.paging import paging
from mitigraph.web.views.whereabouts import whereabouts

LEARNT_FACTS = {
    str(SKOS.notation): "code",
    str(SKOS.prefLabel): "name",
    str(SKOS.definition): "description",
    str(MG.subcategoryOf): "parent",
}
"""What an evidence node (mg:learntProperty) says was learnt, in a reader's words."""


@dataclass(frozen=True)
class Evidence:
    """How facts of a category were learnt from navigator pages (facts learnt from the same lines, one)."""

    fact: str
    note: str
    pages: tuple[Link, ...]
    provisional: bool


def render(site: Site, iri: str, statements: Statements) -> str:
    node = site.figures.taxonomy.nodes.get(iri)
    if node is None:
        return generic.render(site, iri, statements)
    taxonomy = site.figures.taxonomy
    listing = paging(node.total)
    rows = taxonomy.members(iri, offset=listing.offset, limit=listing.size)
    links = site.linker.links(mitigation for mitigation, _ in rows)
    categories = {category: category_link(site, taxonomy.nodes[category]) for _, category in rows}
    places = whereabouts(site, [mitigation for mitigation, _ in rows])
    return render_template(
        "category.html",
        iri=iri,
        node=node,
        crumbs=breadcrumb(site, iri),
        definition=text_blocks(node.definition),
        evidence=evidence_of(site, statements),
        parent=category_link(site, taxonomy.nodes[node.parent]) if node.parent else None,
        children=[
            (category_link(site, taxonomy.nodes[child]), taxonomy.nodes[child].total)
            for child in node.children
        ],
        listed=[
            (links[mitigation], places[mitigation], categories[category]) for mitigation, category in rows
        ],
        listing=listing,
        show_category=bool(node.children),
    )


def evidence_of(site: Site, statements: Statements) -> list[Evidence]:
    """The category's learnt facts (mg:evidence), code first, each with the navigator pages it was learnt
    from: where a category the reference taxonomy does not state comes from."""
    reader = site.reader
    found: list[tuple[str, str, list[str], bool]] = []
    for node in statements.iris(str(MG.evidence)):
        facts = [v.value for v in objects(reader, node, str(MG.learntProperty)) if isinstance(v, NamedNode)]
        notes = [v for v in objects(reader, node, str(RDFS.comment)) if isinstance(v, Literal)]
        pages = [v.value for v in objects(reader, node, str(PROV.wasDerivedFrom)) if isinstance(v, NamedNode)]
        fact = next((LEARNT_FACTS[f] for f in facts if f in LEARNT_FACTS), "facts")
        found.append((fact, best_literal(notes), pages, is_true(objects(reader, node, str(MG.provisional)))))
    links = site.linker.links(page for _, _, pages, _ in found for page in pages)
    order = list(LEARNT_FACTS.values())
    found.sort(key=lambda e: (order.index(e[0]) if e[0] in order else len(order), e[1]))
    merged: dict[tuple[str, tuple[str, ...], bool], list[str]] = {}
    for fact, note, pages, provisional in found:
        merged.setdefault((note, tuple(sorted(pages)), provisional), []).append(fact)
    return [
        Evidence(
            " and ".join(facts), note, tuple(sorted((links[p] for p in pages), key=_by_label)), provisional
        )
        for (note, pages, provisional), facts in merged.items()
    ]


def _by_label(link: Link) -> str:
    return link.label.casefold()
