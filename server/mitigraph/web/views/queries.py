"""`/queries`: the curated example queries, each with a link that opens it in the editor (its tab of
`/sparql`) and links to its results straight from the endpoint in formats a browser shows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, render_template

from mitigraph.examples import ExampleQuery
from mitigraph.formats import Kind, format_named, formats_for
from mitigraph.web.editor import EDITOR_PATH, editor_url
from mitigraph.web.loaded_site import current_site

blueprint = Blueprint("queries", __name__)

RESULT_LINKS = {"select": ("csv", "json"), "ask": ("json",)}
"""The `?format=` names of the results each query form links to."""
GRAPH_LINKS = ("ttl", "jsonld")
"""CONSTRUCT and DESCRIBE give graphs."""


@dataclass(frozen=True)
class ExampleLinks:
    """Where one example leads: the editor, and its results in each linked format (link text, URL)."""

    editor: str
    results: list[tuple[str, str]]


@blueprint.get("/queries")
def queries() -> str:
    site = current_site()
    examples = [(example, example_links(example)) for example in site.examples]
    return render_template("queries.html", examples=examples)


def example_links(example: ExampleQuery) -> ExampleLinks:
    return ExampleLinks(editor=editor_url(example.query), results=result_links(example))


def result_links(example: ExampleQuery) -> list[tuple[str, str]]:
    """(link text, URL) of the example's results straight from the endpoint (`/sparql?query=...&format=`)."""
    kind: Kind = "results" if example.form in RESULT_LINKS else "graph"
    answered = formats_for("sparql", kind=kind)
    return [
        (
            format_named(name, among=answered).title,
            EDITOR_PATH + "?" + urlencode({"query": example.query, "format": name}),
        )
        for name in RESULT_LINKS.get(example.form, GRAPH_LINKS)
    ]
