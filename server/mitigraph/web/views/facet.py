"""The page of one facet value (a lifecycle stage, an actor, a risk-management function)."""

from __future__ import annotations

from flask import render_template, request
from rdflib.namespace import SKOS

from mitigraph.web.page_queries import MAX_LISTED, Statements, facet_members
from mitigraph.web.pages import Site
from mitigraph.web.views.kinds import listing_is_cut, page_count, page_number


def render(site: Site, iri: str, statements: Statements) -> str:
    page = page_number(request.args.get("page"))
    listed = site.linker.links(facet_members(site.reader, iri, offset=(page - 1) * MAX_LISTED))
    total = site.facet_counts.get(iri, 0)
    schemes = site.linker.links(statements.iris(str(SKOS.inScheme)))
    return render_template(
        "facet.html",
        iri=iri,
        title=statements.label(iri),
        definition=statements.text(str(SKOS.definition)),
        schemes=list(schemes.values()),
        listed=sorted(listed.values(), key=lambda link: link.label.casefold()),
        total=total,
        page=page,
        pages=page_count(total),
        cut=listing_is_cut(total),
        first=(page - 1) * MAX_LISTED + 1,
    )
