"""The page of one source document: authors in order, year, abstract, its items by category (each with what
tells it apart from an item of the same label), and where it comes from (the navigator pages that show it)."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from pyoxigraph import NamedNode
from rdflib.namespace import DCTERMS, PROV

from mitigraph.namespaces import MG
from mitigraph.site.labels import code_key
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import (
    MAX_LISTED,
    MAX_SOURCE_ITEMS,
    Link,
    Statements,
    authors,
    objects,
    source_items,
    unique,
)
from mitigraph.web.text_rendering import text_blocks
from mitigraph.web.views.kinds import breadcrumb
from mitigraph.web.views.whereabouts import whereabouts


def render(site: Site, iri: str, statements: Statements) -> str:
    author_iris = authors(site.reader, iri)
    items = source_items(site.reader, iri)
    pages = unique(
        page.value
        for mitigation, _ in items
        for page in objects(site.reader, mitigation, str(PROV.wasDerivedFrom))
        if isinstance(page, NamedNode)
    )
    links = site.linker.links([*author_iris, *(mitigation for mitigation, _ in items), *pages[:MAX_LISTED]])
    by_category: dict[str | None, list[Link]] = defaultdict(list)
    for mitigation, category in items:
        by_category[category].append(links[mitigation])
    places = whereabouts(site, [mitigation for mitigation, _ in items])
    groups = [
        (
            breadcrumb(site, category)[-1] if category else None,
            [
                (link, places[link.iri])
                for link in sorted(group, key=lambda link: (link.label.casefold(), places[link.iri].section))
            ],
        )
        for category, group in by_category.items()
    ]
    groups.sort(key=lambda group: code_key(group[0].notation) if group[0] else ((1 << 31, ""),))
    return render_template(
        "source.html",
        iri=iri,
        title=statements.label(iri),
        year=statements.text(str(DCTERMS.issued)),
        abstract=text_blocks(statements.text(str(DCTERMS.abstract))),
        abstract_doubt=statements.text(str(MG.abstractDoubt)),
        authors=[links[author] for author in author_iris],
        groups=groups,
        item_count=len(items),
        truncated=len(items) >= MAX_SOURCE_ITEMS,
        pages=sorted((links[page] for page in pages[:MAX_LISTED]), key=lambda link: link.label.casefold()),
        page_count=len(pages),
    )
