"""`/ontology`, `/shapes`, `/.well-known/void` and `/context.jsonld`: the documents that describe the graph,
as the written site holds them (mitigraph.site.documents), the VoID description naming this server's URLs.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from mitigraph.jsonld import CONTEXT_PATH as JSONLD_CONTEXT_PATH
from mitigraph.web.loaded_site import current_site
from mitigraph.web.views.responses import (
    HTML,
    HTML_OFFER,
    PAGE_OFFERS,
    RDF_OFFERS,
    choose,
    html_response,
    rdf_response,
)

blueprint = Blueprint("documents", __name__)


SHAPES_OFFERS = (RDF_OFFERS[0], HTML_OFFER)
VOID_OFFERS = RDF_OFFERS
CONTEXT_OFFERS = tuple(offer for offer in RDF_OFFERS if offer.format and offer.format.name == "jsonld")


@blueprint.get("/ontology")
def ontology() -> Response:
    documents = current_site().figures.documents
    offer = choose(PAGE_OFFERS)
    if offer.media_type == HTML:
        return html_response(documents.ontology_html)
    return rdf_response(documents.ontology_bytes[offer.media_type], media_type=offer.media_type)


@blueprint.get(JSONLD_CONTEXT_PATH)
def jsonld_context() -> Response:
    """The JSON-LD context our framed and compact JSON-LD use, for developers to reference or copy."""
    choose(CONTEXT_OFFERS)
    return rdf_response(
        current_site().figures.documents.jsonld_context, media_type=CONTEXT_OFFERS[0].media_type
    )


@blueprint.get("/shapes")
def shapes() -> Response:
    documents = current_site().figures.documents
    offer = choose(SHAPES_OFFERS)
    if offer.media_type == HTML:
        return html_response(
            render_template(
                "shapes.html",
                shapes=documents.shape_summaries,
                turtle=documents.shapes_turtle.decode(),
            )
        )
    return rdf_response(documents.shapes_turtle, media_type=offer.media_type)


@blueprint.get("/.well-known/void")
def void() -> Response:
    offer = choose(VOID_OFFERS)
    return rdf_response(current_site().void_bytes[offer.media_type], media_type=offer.media_type)
