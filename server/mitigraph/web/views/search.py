"""`/search?q=`: labels and texts of every entity, case-insensitive, at most MAX_RESULTS hits."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from mitigraph.web.pages import current_site

blueprint = Blueprint("search", __name__)

MAX_RESULTS = 50
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
    results = site.search_index.search(text, limit=MAX_RESULTS) if text else None
    hits = [(site.linker.href(hit.iri), hit) for hit in results.hits] if results else []
    return Response(
        render_template(
            "search.html",
            q=text,
            problem="",
            hits=hits,
            searched=results is not None,
            truncated=bool(results and results.truncated),
            limit=MAX_RESULTS,
        )
    )
