"""`/search?q=`: word search over the labels and texts of every entity (records, categories, sources,
limitations, facet values...), through the catalogue index (SQLite FTS5, mitigraph.site.catalogue).

Words are stemmed and folded ("Filters" finds "filtering", "fine tuning" finds "fine-tuning"), "a phrase"
is a phrase and `word*` a prefix; every word must appear. Results come best first (BM25, a word in a label
counting more than one in a text), with the matching words highlighted, fifty a page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from mitigraph.site.catalogue_text import MAX_QUERY_CHARACTERS, CatalogueQueryError
from mitigraph.web.loaded_site import current_site
from mitigraph.web.page_queries import MAX_LISTED
from mitigraph.web.views.list_request import LIST_PATH
from mitigraph.web.views.paging import paging, requested_page
from mitigraph.web.views.responses import html_response

blueprint = Blueprint("search", __name__)


@blueprint.get("/search")
def search() -> Response:
    site = current_site()
    raw = request.args.get("q", "")
    text = " ".join(raw.split())
    if len(raw) > MAX_QUERY_CHARACTERS:
        problem = (
            f"The search text is {len(raw)} characters long; the most accepted is {MAX_QUERY_CHARACTERS}."
        )
        return refused(text[:MAX_QUERY_CHARACTERS], problem)
    if not text:
        return html_response(render_template("search.html", q="", problem="", searched=False))
    try:
        hits, total = site.catalogue.search(
            text, offset=(requested_page() - 1) * MAX_LISTED, limit=MAX_LISTED
        )
    except CatalogueQueryError as error:
        return refused(text, f"The search cannot be read: {error.problem}.")
    listing = paging(total)
    links = site.linker.links(hit.iri for hit in hits)
    return html_response(
        render_template(
            "search.html",
            q=text,
            problem="",
            searched=True,
            hits=[(links[hit.iri], hit) for hit in hits],
            listing=listing,
            list_href=f"{LIST_PATH}?{urlencode({'q': text})}"
            if any(h.kind == "mitigation" for h in hits)
            else "",
        )
    )


def refused(text: str, problem: str) -> Response:
    """400, with the search form and the problem on the page."""
    response = html_response(render_template("search.html", q=text, problem=problem, searched=False))
    response.status_code = 400
    return response
