"""Responses every view shares: negotiation by the one project-wide function, 406 and 404 bodies."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, render_template, request

from mitigraph.downloads import JSON_LD, N_TRIPLES, RDF_XML, TURTLE
from mitigraph.web.negotiation import NotAcceptable, Offer, negotiate

HTML = "text/html"
TEXT = "text/plain"

HTML_OFFER = Offer(HTML, token="html", aliases=("application/xhtml+xml",))
RDF_OFFERS: tuple[Offer, ...] = (
    Offer(TURTLE, token="ttl", aliases=("application/x-turtle",)),
    Offer(JSON_LD, token="jsonld"),
    Offer(N_TRIPLES, token="nt"),
    Offer(RDF_XML, token="rdf"),
)
"""The RDF serialisations, with the `?format=` names users type."""


def choose(offers: Sequence[Offer]) -> Offer:
    """The offer for this request: `?format=` over Accept; raises NotAcceptable."""
    return negotiate(offers, accept=request.headers.get("Accept"), format_param=request.args.get("format"))


def not_acceptable(error: NotAcceptable) -> Response:
    """406 naming every supported media type and its `?format=` name."""
    supported = "\n".join(
        f"  {offer.media_type}" + (f"  (?format={offer.token})" if offer.token else "")
        for offer in error.offers
    )
    body = f"406 Not Acceptable: cannot answer {error.asked}.\nSupported types:\n{supported}\n"
    response = Response(body, status=406, mimetype=TEXT)
    response.vary.add("Accept")
    return response


def wants_html() -> bool:
    """Whether the client would rather read an HTML page than plain text (for error pages)."""
    try:
        return choose((HTML_OFFER, Offer(TEXT))).media_type == HTML
    except NotAcceptable:
        return False


def not_found(message: str) -> Response:
    """404 as a page for browsers and as one line of text for everyone else."""
    if wants_html():
        response = Response(render_template("not_found.html", message=message), status=404, mimetype=HTML)
    else:
        response = Response(f"404 Not Found: {message}\n", status=404, mimetype=TEXT)
    response.vary.add("Accept")
    return response


def rdf_response(body: bytes, *, media_type: str, filename: str | None = None) -> Response:
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
    if filename:
        response.headers.set("Content-Disposition", "inline", filename=filename)
    return response


def html_response(html: str) -> Response:
    response = Response(html, mimetype=HTML)
    response.vary.add("Accept")
    return response
