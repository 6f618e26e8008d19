"""`/mitigations`: the filterable list of every record, like the navigator's.

Filters by category (with its subcategories), lifecycle stage, actor, risk management function and source
(any of several values of one, all of them across), words (`q`, the word search of /search) and incomplete;
the count each choice would give beside it; sorted by relevance, label or taxonomy code; fifty a page. The
address is the state: every choice is a link that adds or removes it, and the form (checkboxes, a submit
button) works without JavaScript. The same list is CSV or JSON (Accept, or `?format=csv|json`: every record,
not one page), and a SPARQL query that gives the same records opens in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request

from mitigraph.formats import Format
from mitigraph.site.catalogue import FACETS, SORTS, FacetChoice, Filters, ListedRecord
from mitigraph.site.catalogue_sparql import list_query
from mitigraph.web.editor import editor_url
from mitigraph.web.loaded_site import Site, current_site
from mitigraph.web.negotiation import offers_for
from mitigraph.web.page_queries import MAX_LISTED, Link
from mitigraph.web.views.kinds import category_link
from mitigraph.web.views.list_formats import FILE_STEM, csv_chunks, json_chunks
from mitigraph.web.views.list_request import ListRequest, read_list_request
from mitigraph.web.views.paging import paging, requested_page
from mitigraph.web.views.responses import HTML_OFFER, choose, html_response

blueprint = Blueprint("mitigations", __name__)

OFFERS = (HTML_OFFER, *offers_for("list"))
FACET_TITLES = {
    "category": "Category",
    "stage": "Lifecycle stage",
    "actor": "Actor",
    "function": "Risk management function",
    "source": "Source",
}
MAX_SHOWN_CHOICES = 25
"""A facet with more choices (sources, in a large catalogue) shows the chosen ones and those with the most
records; a source's own page leads to its records too."""
SORT_TITLES = {"relevance": "Relevance", "label": "Label (A–Z)", "code": "Category code"}


@dataclass(frozen=True)
class ShownFacet:
    name: str
    title: str
    choices: tuple[FacetChoice, ...]
    """The choices shown, each a link to this list with it added, or removed when it is chosen."""
    hidden: int
    """Choices left out (MAX_SHOWN_CHOICES)."""
    chosen: int
    clear_href: str
    """This list without any value of this facet."""


@dataclass(frozen=True)
class ShownRecord:
    link: Link
    record: ListedRecord
    category: Link | None


@dataclass(frozen=True)
class ActiveFilter:
    title: str
    text: str
    remove_href: str


@blueprint.get("/mitigations")
def mitigations() -> Response:
    site = current_site()
    wanted = read_list_request(request.args, site.catalogue)
    offset = (requested_page() - 1) * MAX_LISTED  # read (400 when bad) even where the list is not paged
    offer = choose(OFFERS)
    sparql = sparql_href(site, wanted)
    if offer.format is not None:
        return table_response(site, wanted, fmt=offer.format, sparql=sparql)
    page = site.catalogue.records(wanted.filters, sort=wanted.sort, offset=offset, limit=MAX_LISTED)
    listing = paging(page.total)
    return html_response(
        render_template(
            "mitigations.html",
            wanted=wanted,
            q=wanted.filters.query,
            listing=listing,
            records=[shown_record(site, record) for record in page.records],
            facets=[shown_facet(wanted, facet, page.facets[facet]) for facet in FACETS],
            active=active_filters(wanted, page.facets),
            sorts=[(sort, SORT_TITLES[sort]) for sort in SORTS],
            clear_href=ListRequest(Filters(), wanted.sort).href(),
            csv_href=wanted.href(extra=[("format", "csv")]),
            json_href=wanted.href(extra=[("format", "json")]),
            sparql_href=sparql,
        )
    )


def table_response(site: Site, wanted: ListRequest, *, fmt: Format, sparql: str) -> Response:
    """Every record of the list in a table format of the registry (CSV, JSON), streamed."""
    if fmt.name == "csv":
        body = csv_chunks(site.catalogue, wanted)
        media_type = f"{fmt.media_type}; charset=utf-8; header=present"
    else:
        first = site.catalogue.records(wanted.filters, sort=wanted.sort, limit=0)
        body = json_chunks(site.catalogue, wanted, first=first, sparql=sparql)
        media_type = fmt.media_type
    response = Response(body, content_type=media_type)
    response.headers.set("Content-Disposition", "inline", filename=f"{FILE_STEM}.{fmt.extension}")
    response.vary.add("Accept")
    return response


def sparql_href(site: Site, wanted: ListRequest) -> str:
    """The editor, with the SPARQL query that gives this list's records (without its search words)."""
    iris = {
        facet: site.catalogue.value_iris(facet, values) for facet, values in wanted.filters.chosen.items()
    }
    return editor_url(list_query(wanted.filters, iris))


def shown_record(site: Site, record: ListedRecord) -> ShownRecord:
    node = site.figures.taxonomy.nodes.get(record.category)
    return ShownRecord(
        link=Link(
            iri=record.iri,
            label=record.label,
            href=site.linker.href(record.iri),
            incomplete=record.incomplete,
        ),
        record=record,
        category=category_link(site, node) if node is not None else None,
    )


def shown_facet(wanted: ListRequest, facet: str, choices: tuple[FacetChoice, ...]) -> ShownFacet:
    shown = choices
    if len(choices) > MAX_SHOWN_CHOICES:
        most = sorted(choices, key=lambda c: (not c.selected, -c.count))[:MAX_SHOWN_CHOICES]
        kept = {c.value for c in most}
        shown = tuple(c for c in choices if c.value in kept)
    return ShownFacet(
        name=facet,
        title=FACET_TITLES[facet],
        choices=shown,
        hidden=len(choices) - len(shown),
        chosen=sum(1 for c in choices if c.selected),
        clear_href=wanted.without_facet(facet).href(),
    )


def active_filters(wanted: ListRequest, facets: dict[str, tuple[FacetChoice, ...]]) -> list[ActiveFilter]:
    """Each filter of this list, with the address of the list without it."""
    active: list[ActiveFilter] = []
    if wanted.filters.query:
        active.append(ActiveFilter("Words", wanted.filters.query, wanted.without_query().href()))
    for facet in FACETS:
        labels = {c.value: c.label for c in facets.get(facet, ())}
        for value in wanted.filters.chosen.get(facet, ()):
            text = labels.get(value, value)
            active.append(ActiveFilter(FACET_TITLES[facet], text, wanted.toggled(facet, value).href()))
    if wanted.filters.incomplete is not None:
        text = "only incomplete records" if wanted.filters.incomplete else "only complete records"
        active.append(ActiveFilter("Incomplete", text, wanted.without_incomplete().href()))
    return active
