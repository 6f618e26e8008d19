"""`/queries`: the curated example queries with links to their results (each is a YASGUI tab too)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template

from mitigraph.examples import ExampleQuery
from mitigraph.formats import Kind, format_named, formats_for
from mitigraph.web.loaded_site import current_site

blueprint = Blueprint("queries", __name__)

RESULT_LINKS = {"select": ("json", "csv"), "ask": ("json",)}
"""The `?format=` names of the results each query form links to, in formats a browser shows."""
GRAPH_LINKS = ("ttl", "jsonld")
"""CONSTRUCT and DESCRIBE give graphs."""


@blueprint.get("/queries")
def queries() -> str:
    site = current_site()
    examples = [(example, result_links(example)) for example in site.examples]
    return render_template("queries.html", examples=examples)


def result_links(example: ExampleQuery) -> list[tuple[str, str]]:
    """(link text, URL) of the example's results straight from the endpoint (`/sparql?query=...&format=`)."""
    kind: Kind = "results" if example.form in RESULT_LINKS else "graph"
    answered = formats_for("sparql", kind=kind)
    return [
        (
            format_named(name, among=answered).title,
            "/sparql?" + urlencode({"query": example.query, "format": name}),
        )
        for name in RESULT_LINKS.get(example.form, GRAPH_LINKS)
    ]
