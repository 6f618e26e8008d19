"""The page of one source document: authors in order, year, abstract, and its items by category."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from rdflib.namespace import DCTERMS

from mitigraph.namespaces import MG
from mitigraph.site.labels import code_key
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import MAX_SOURCE_ITEMS, Link, Statements, authors, source_items
from mitigraph.web.views.kinds import breadcrumb


def render(site: Site, iri: str, statements: Statements) -> str:
    author_iris = authors(site.reader, iri)
    items = source_items(site.reader, iri)
    links = site.linker.links([*author_iris, *(mitigation for mitigation, _ in items)])
    by_category: dict[str | None, list[Link]] = defaultdict(list)
    for mitigation, category in items:
        by_category[category].append(links[mitigation])
    groups = [
        (
            breadcrumb(site, category)[-1] if category else None,
            sorted(group, key=lambda link: link.label.casefold()),
        )
        for category, group in by_category.items()
    ]
    groups.sort(key=lambda group: code_key(group[0].notation) if group[0] else ((1 << 31, ""),))
    return render_template(
        "source.html",
        iri=iri,
        title=statements.label(iri),
        year=statements.text(str(DCTERMS.issued)),
        abstract=statements.text(str(DCTERMS.abstract)),
        abstract_doubt=statements.text(str(MG.abstractDoubt)),
        authors=[links[author] for author in author_iris],
        groups=groups,
        item_count=len(items),
        truncated=len(items) >= MAX_SOURCE_ITEMS,
    )
