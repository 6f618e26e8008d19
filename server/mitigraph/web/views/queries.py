"""`/queries`: the curated example queries with links to their results (each is a YASGUI tab too)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template

from mitigraph.examples import ExampleQuery
from mitigraph.web.pages import current_site

blueprint = Blueprint("queries", __name__)

RESULT_FORMATS = {"select": (("JSON", "json"), ("CSV", "csv")), "ask": (("JSON", "json"),)}
GRAPH_FORMATS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"))
"""Formats to link to per query form; CONSTRUCT and DESCRIBE give graphs."""


@blueprint.get("/queries")
def queries() -> str:
    site = current_site()
    examples = [(example, result_links(example)) for example in site.examples]
    return render_template("queries.html", examples=examples)


def result_links(example: ExampleQuery) -> list[tuple[str, str]]:
    """(link text, URL) of the example's results straight from the endpoint, in formats a browser shows."""
    formats = RESULT_FORMATS.get(example.form, GRAPH_FORMATS)
    return [
        (f"Results as {name}", "/sparql?" + urlencode({"query": example.query, "format": token}))
        for name, token in formats
    ]
