"""Responses every view shares: negotiation by the one project-wide function, and the error format.

Every error of the server, from the pages or from /sparql (mitigraph.web.errors), is written here: an HTML
page (error.html, in the site's layout) for a client that prefers HTML, else the message as one paragraph
of plain text; never JSON, never a framework's default page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus

from flask import Response, abort, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from mitigraph.formats import formats_for
from mitigraph.web.negotiation import HTML_OFFER, NotAcceptable, Offer, error_media_type, negotiate

HTML = "text/html"
TEXT = "text/plain"

RDF_OFFERS: tuple[Offer, ...] = tuple(
    Offer(fmt.media_type, token=fmt.extension, other_tokens=fmt.names, format=fmt)
    for fmt in formats_for("page", kind="graph")
)
"""The RDF formats a page offers (mitigraph.formats), each under its own media type only: a client asking for
plain JSON, XML or text is told what there is rather than sent RDF it did not ask for. `?format=` takes the
file extension users type (`ttl`) and every name of the format."""
PAGE_OFFERS = (HTML_OFFER, *RDF_OFFERS)
"""What an entity's page and the ontology answer: HTML by default, else any of the RDF formats."""


def choose(offers: Sequence[Offer]) -> Offer:
    """The offer for this request: `?format=` over Accept; when none fits, the request ends here with a 406
    naming what is offered (`not_acceptable`)."""
    accept, format_param = request.headers.get("Accept"), request.args.get("format")
    try:
        return negotiate(offers, accept=accept, format_param=format_param)
    except NotAcceptable as error:
        abort(not_acceptable(error))


def not_acceptable(error: NotAcceptable) -> Response:
    """406 naming every supported media type and its `?format=` name."""
    supported = "\n".join(
        f"  {offer.media_type}" + (f"  (?format={offer.token})" if offer.token else "")
        for offer in error.offers
    )
    return error_response(406, f"cannot answer {error.asked}.\nSupported types:\n{supported}")


def not_found(message: str) -> Response:
    """404 as a page for browsers and as one line of text for everyone else."""
    return error_response(404, message)


def error_response(status: int, message: str, *, headers: Mapping[str, str] | None = None) -> Response:
    """The error `status` with `message`, as a page or as text (see the module docstring)."""
    media_type = error_media_type(request.headers.get("Accept"), format_param=request.args.get("format"))
    body = render_error_page(status, message) if media_type == HTML else message + "\n"
    response = Response(body, status=status, mimetype=media_type, headers=dict(headers or {}))
    response.vary.add("Accept")
    return response


def render_error_page(status: int, message: str) -> str:
    """The HTML error page (needs a Flask request context: the layout links to the site's pages)."""
    return render_template("error.html", status=status, title=status_title(status), message=message)


def status_title(status: int) -> str:
    """`404` -> `Not found`: the reason phrase as a heading."""
    try:
        return HTTPStatus(status).phrase.capitalize()
    except ValueError:
        return f"Error {status}"


def http_error(error: HTTPException) -> Response:
    """Any HTTP error of the pages app (404, 405, 400 from a view, the 500 of an unhandled exception)."""
    status = error.code or 500
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(_allowed(error))
    return error_response(status, _message(error, status), headers=headers)


def _allowed(error: MethodNotAllowed) -> list[str]:
    """The methods an address answers: OPTIONS is left out, since only a CORS preflight gets an answer."""
    order = ("GET", "HEAD", "POST")
    methods = set(error.valid_methods or ()) - {"OPTIONS"}
    return sorted(
        methods, key=lambda method: (order.index(method) if method in order else len(order), method)
    )


def _message(error: HTTPException, status: int) -> str:
    if status == 404:
        return "there is no page at this address"
    if isinstance(error, MethodNotAllowed):
        return f"{request.method} is not allowed here; this address answers {', '.join(_allowed(error))}"
    if status >= 500:
        return "internal server error; it has been logged"
    return error.description or status_title(status)


def refuse_options() -> None:
    """OPTIONS outside a CORS preflight (answered before the pages) is 405, as on /sparql (a before_request
    hook: Flask would otherwise answer it itself)."""
    if request.method == "OPTIONS" and request.url_rule is not None:
        raise MethodNotAllowed(valid_methods=sorted(request.url_rule.methods or ()))


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
