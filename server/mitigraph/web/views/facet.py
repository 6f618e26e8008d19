"""The page of one facet value (a lifecycle stage, an actor, a risk-management function) or of one NIST
tag a record names (a NIST AI 600-1 GenAI risk, a NIST AI actor task): what it is, the records with it, and
where it comes from (its scheme, and the terms of other vocabularies it matches)."""

from __future__ import annotations

from flask import render_template
from rdflib.namespace import SKOS

from mitigraph.namespaces import MG
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, Statements, facet_members, subjects_linking
from mitigraph.web.text_rendering import text_blocks
from mitigraph.web.views.kinds import property_link
from mitigraph.web.views.paging import paging

MATCHES = tuple(
    str(predicate)
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
)
"""How a value is aligned with the terms of other vocabularies (ontology/mappings.ttl), closest first."""

NIST_KINDS = (
    (str(MG.nistGenAIRisk), "NIST GenAI risk"),
    (str(MG.nistActorTask), "NIST AI actor task"),
)


def render(site: Site, iri: str, statements: Statements) -> str:
    listing = paging(site.figures.facet_counts.get(iri, 0))
    listed = site.linker.links(facet_members(site.reader, iri, offset=listing.offset))
    schemes = site.linker.links(statements.iris(str(SKOS.inScheme)))
    matched = site.linker.links([*MATCHES, *(i for predicate in MATCHES for i in statements.iris(predicate))])
    matches: list[tuple[Link, Link]] = [
        (property_link(matched[predicate]), matched[term])
        for predicate in MATCHES
        for term in sorted(statements.iris(predicate))
    ]
    return render_template(
        "facet.html",
        iri=iri,
        kind=kind_of(site, iri),
        title=statements.label(iri),
        definition=text_blocks(statements.text(str(SKOS.definition))),
        matches=matches,
        schemes=list(schemes.values()),
        listed=sorted(listed.values(), key=lambda link: link.label.casefold()),
        listing=listing,
    )


def kind_of(site: Site, iri: str) -> str:
    """ "Facet value" for the navigator's facets; for a NIST tag, which one (from a record naming it)."""
    for predicate, kind in NIST_KINDS:
        if subjects_linking(site.reader, iri, predicate, limit=1):
            return kind
    return "Facet value"
