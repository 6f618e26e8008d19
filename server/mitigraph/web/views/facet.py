"""The page of one facet value (a lifecycle stage, an actor, a risk-management function) or of one NIST
tag a record names (a NIST AI 600-1 GenAI risk, a NIST AI actor task): what it is and the records with it."""

from __future__ import annotations

from flask import render_template
from rdflib.namespace import SKOS

from mitigraph.namespaces import MG
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Statements, facet_members, subjects_linking
from mitigraph.web.views.paging import paging

NIST_KINDS = (
    (str(MG.nistGenAIRisk), "NIST GenAI risk"),
    (str(MG.nistActorTask), "NIST AI actor task"),
)


def render(site: Site, iri: str, statements: Statements) -> str:
    listing = paging(site.figures.facet_counts.get(iri, 0))
    listed = site.linker.links(facet_members(site.reader, iri, offset=listing.offset))
    schemes = site.linker.links(statements.iris(str(SKOS.inScheme)))
    return render_template(
        "facet.html",
        iri=iri,
        kind=kind_of(site, iri),
        title=statements.label(iri),
        definition=statements.text(str(SKOS.definition)),
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
