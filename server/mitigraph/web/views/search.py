"""`/search?q=`: labels and texts of every entity, case-insensitive, labels first, a page at a time."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from mitigraph.web.loaded_site import current_site
from mitigraph.web.page_queries import MAX_LISTED
from mitigraph.web.views.kinds import MAX_PAGES
from mitigraph.web.views.paging import paging, requested_page

blueprint = Blueprint("search", __name__)

MAX_QUERY_CHARACTERS = 200
"""Longer search text is refused (400) rather than scanned for."""


@blueprint.get("/search")
def search() -> Response:
    site = current_site()
    text = request.args.get("q", "").strip()
    if len(text) > MAX_QUERY_CHARACTERS:
        problem = (
            f"The search text is {len(text)} characters long; the most accepted is {MAX_QUERY_CHARACTERS}."
        )
        return Response(
            render_template("search.html", q=text[:MAX_QUERY_CHARACTERS], problem=problem), status=400
        )
    if not text:
        return Response(render_template("search.html", q="", problem="", searched=False))
    offset = (requested_page() - 1) * MAX_LISTED
    count_limit = MAX_PAGES * MAX_LISTED
    results = site.figures.search_index.search(text, offset=offset, limit=MAX_LISTED, count_limit=count_limit)
    listing = paging(results.total, total_is_exact=results.total_is_exact)
    links = site.linker.links(hit.iri for hit in results.hits)
    return Response(
        render_template(
            "search.html",
            q=text,
            problem="",
            searched=True,
            hits=[(links[hit.iri], hit) for hit in results.hits],
            listing=listing,
        )
    )
