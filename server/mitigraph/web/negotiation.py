"""Content negotiation: the one function every route (SPARQL, pages, downloads) uses to pick a media type.

The Accept header is parsed by werkzeug (q-values, wildcards, specificity; media types compared
case-insensitively, RFC 9110 12.5.1); `?format=` wins over Accept, as users and scripts expect when they type
a URL by hand. Offers of formats come from the one registry (`mitigraph.formats`, `offers_for`); errors are
negotiated by the same function (`error_media_type`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from mitigraph.formats import Format, Kind, Route, formats_for


@dataclass(frozen=True)
class Offer:
    """A representation a route can produce.

    `media_type` is sent as Content-Type; `aliases` are other media types clients ask for that mean the same
    representation (for example `application/json` for SPARQL JSON results); `token` is its `?format=` name
    and `other_tokens` other names `?format=` accepts for it. `format` is the registry's entry, if any.
    """

    media_type: str
    token: str | None = None
    aliases: tuple[str, ...] = ()
    other_tokens: tuple[str, ...] = ()
    format: Format | None = None

    @classmethod
    def of(cls, fmt: Format) -> Offer:
        """The offer of a registry format: its name and aliases as tokens, its media types."""
        return cls(
            fmt.media_type,
            token=fmt.name,
            aliases=fmt.other_media_types,
            other_tokens=fmt.aliases,
            format=fmt,
        )

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def tokens(self) -> tuple[str, ...]:
        return ((self.token,) if self.token else ()) + self.other_tokens


def offers_for(route: Route, *, kind: Kind | None = None) -> tuple[Offer, ...]:
    """The offers of the formats `route` offers (of one kind, if given), in the registry's order."""
    return tuple(Offer.of(fmt) for fmt in formats_for(route, kind=kind))


class NotAcceptable(Exception):
    """Nothing the route offers matches what the client accepts; the message names what is offered."""

    def __init__(self, offers: Sequence[Offer], *, asked: str) -> None:
        self.offers = tuple(offers)
        self.asked = asked
        supported = ", ".join(offer.media_type for offer in offers)
        super().__init__(f"cannot answer {asked}; supported types: {supported}")


def negotiate(offers: Sequence[Offer], *, accept: str | None, format_param: str | None = None) -> Offer:
    """Pick the offer to answer with; raise NotAcceptable when none fits.

    The first offer is the default: it answers a request without an Accept header (HTTP reads that as
    "anything"). Where the client's preferences tie, earlier offers win, and an offer's own media type wins
    over any alias (so `text/*` picks `text/csv`, not a `text/xml` alias); the answer is always sent with the
    offer's own media type. `format_param` (a `?format=` value: a token or a media type) overrides Accept.
    """
    if not offers:
        raise ValueError("negotiate() needs at least one offer")
    if format_param:
        return _by_format(offers, format_param)
    if accept is None or not accept.strip():
        return offers[0]
    accepted = parse_accept_header(accept, MIMEAccept)
    candidates = [offer.media_type for offer in offers] + [
        alias for offer in offers for alias in offer.aliases
    ]
    best = accepted.best_match(candidates)
    if best is None:
        raise NotAcceptable(offers, asked=f"Accept: {accept}")
    return next(offer for offer in offers if best in offer.media_types)


def _by_format(offers: Sequence[Offer], format_param: str) -> Offer:
    wanted = format_param.strip().lower()
    for offer in offers:
        if wanted in offer.tokens or wanted in offer.media_types:
            return offer
    raise NotAcceptable(offers, asked=f"format={format_param}")


HTML_OFFER = Offer("text/html", token="html", aliases=("application/xhtml+xml",))
"""HTML, as a browser asks for it: a page, the editor, an error page."""
ERROR_OFFERS = (Offer("text/plain", token="txt"), HTML_OFFER)
"""Every error, from /sparql or from the pages: plain text unless the client ranks HTML higher (a browser)."""


def error_media_type(accept: str | None, *, format_param: str | None = None) -> str:
    """The media type of an error response: text/html for a client that prefers it, else text/plain.

    Ties go to plain text, so `*/*` (curl, scripts) and SPARQL clients that accept anything after their
    result types get text; a client that accepts neither still gets text, the error being the answer.
    """
    try:
        return negotiate(ERROR_OFFERS, accept=accept, format_param=format_param).media_type
    except NotAcceptable:
        return ERROR_OFFERS[0].media_type
