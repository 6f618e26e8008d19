"""`/id/<path>`: every IRI the graph mints, as a page for browsers and as RDF for everyone else."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response
from pyoxigraph import NamedNode
from rdflib import URIRef
from rdflib.namespace import RDF

from mitigraph.formats import Format, serialize_triples
from mitigraph.jsonld import dumps as jsonld_dumps
from mitigraph.jsonld import framed_mitigation
from mitigraph.namespaces import MG
from mitigraph.web.loaded_site import Site, current_site
from mitigraph.web.page_queries import Statements, entity_triples, outgoing
from mitigraph.web.views import category, facet, generic, limitation, mitigation, source
from mitigraph.web.views.responses import PAGE_OFFERS, choose, html_response, not_found, rdf_response

blueprint = Blueprint("entity", __name__)

PageRenderer = Callable[[Site, str, Statements], str]

RENDERERS_BY_TYPE: tuple[tuple[str, PageRenderer], ...] = (
    (str(MG.Mitigation), mitigation.render),
    (str(MG.Category), category.render),
    (str(MG.Source), source.render),
    (str(MG.Limitation), limitation.render),
    (str(MG.LifecycleStage), facet.render),
    (str(MG.Actor), facet.render),
    (str(MG.RiskManagementFunction), facet.render),
    (str(MG.FacetValue), facet.render),
)
"""The page for an entity is chosen by its first type found here; any other entity gets the generic page."""


@blueprint.get("/id/<path:path>")
def show(path: str) -> Response:
    site = current_site()
    iri = site.settings.base + path
    statements = read_statements(site, iri)
    if statements is None:
        return not_found(f"nothing is known about {iri}")
    offer = choose(PAGE_OFFERS)
    if offer.format is None:
        return html_response(render_page(site, iri, statements))
    return rdf_response(entity_rdf(site, iri, fmt=offer.format), media_type=offer.media_type)


def read_statements(site: Site, iri: str) -> Statements | None:
    """The entity's statements, or None when the IRI is invalid or the subject of nothing."""
    try:
        statements = Statements(outgoing(site.reader, iri))
    except ValueError:
        return None
    return statements if statements else None


def render_page(site: Site, iri: str, statements: Statements) -> str:
    """The page for the entity's type; a NIST tag (a SKOS concept records name, counted in the site cache
    like a facet value) gets a facet value's page; anything else the generic page."""
    types = set(statements.iris(str(RDF.type)))
    fallback = facet.render if iri in site.figures.facet_counts else generic.render
    renderer = next((render for type_iri, render in RENDERERS_BY_TYPE if type_iri in types), fallback)
    return renderer(site, iri, statements)


def entity_rdf(site: Site, iri: str, *, fmt: Format) -> bytes:
    """The entity's RDF in `fmt`; in JSON-LD a mitigation is one framed object (mitigraph.jsonld)."""
    if fmt.name == "jsonld" and is_mitigation(site, iri):
        return jsonld_dumps(framed_mitigation(site.reader.store, URIRef(iri)))
    return serialize_triples(entity_triples(site.reader, iri), fmt, base=site.settings.base)


def is_mitigation(site: Site, iri: str) -> bool:
    pattern = (NamedNode(iri), NamedNode(str(RDF.type)), NamedNode(str(MG.Mitigation)))
    return next(iter(site.reader.store.quads_for_pattern(*pattern)), None) is not None
