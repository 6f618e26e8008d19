"""`/queries` over HTTP, followed as a browser follows it: each example opens in the editor, and its result
links give CSV and JSON (SELECT, ASK) or Turtle and JSON-LD (CONSTRUCT) that really are those formats."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph
import pytest

from mitigraph.examples import ExampleQuery, example_queries
from mitigraph.web.editor import editor_url

BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
}
"""What Chromium sends when a person follows a link."""
EXAMPLES = example_queries()
RESULT_TYPES = {
    "select": {"text/csv", "application/sparql-results+json"},
    "ask": {"application/sparql-results+json"},
    "construct": {"text/turtle", "application/ld+json"},
}
RDF_FORMATS = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
}


@dataclass
class Section:
    """One example as /queries shows it: its title and its links (class, href, text)."""

    title: str = ""
    links: list[tuple[str, str, str]] = field(default_factory=list)

    def links_of(self, css_class: str) -> list[str]:
        return [href for kind, href, _ in self.links if kind == css_class]


class _SectionReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self._in: str | None = None
        self._link: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and attributes.get("class") == "example":
            self.sections.append(Section())
        elif self.sections and tag in ("h2", "a"):
            self._in, self._text = tag, []
            if tag == "a":
                self._link = (attributes.get("class") or "", attributes.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "h2" and self._in == "h2":
            self.sections[-1].title = text
        elif tag == "a" and self._link is not None:
            self.sections[-1].links.append((*self._link, text))
            self._link = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


@pytest.fixture
def sections(http: httpx.Client) -> dict[str, Section]:
    response = http.get("/queries", headers=BROWSER)
    assert response.status_code == 200, response.text
    reader = _SectionReader()
    reader.feed(response.text)
    return {section.title: section for section in reader.sections}


def test_every_example_is_shown_once(sections: dict[str, Section]) -> None:
    assert list(sections) == [example.label for example in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES[:1] + EXAMPLES[-1:], ids=lambda example: example.label)
def test_open_in_the_editor_links_to_the_editor_with_the_query(
    http: httpx.Client, sections: dict[str, Section], example: ExampleQuery
) -> None:
    (link,) = sections[example.label].links_of("open-in-editor")
    assert link == editor_url(example.query)
    assert parse_qs(urlsplit(link).query) == {"query": [example.query]}
    response = http.get(link, headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="editor-config"' in response.text


def test_every_example_opens_in_the_editor(sections: dict[str, Section]) -> None:
    for example in EXAMPLES:
        assert sections[example.label].links_of("open-in-editor") == [editor_url(example.query)]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.label)
def test_result_links_give_their_format_to_a_browser(
    http: httpx.Client, sections: dict[str, Section], example: ExampleQuery
) -> None:
    links = sections[example.label].links_of("result")
    answered = set()
    for link in links:
        response = http.get(link, headers=BROWSER)
        assert response.status_code == 200, f"{link}: {response.text}"
        content_type = response.headers["content-type"].split(";")[0]
        answered.add(content_type)
        assert_is(content_type, response.text, example)
    assert answered == RESULT_TYPES[example.form]


def assert_is(content_type: str, body: str, example: ExampleQuery) -> None:
    """The body really is `content_type`, with the example's answer in it."""
    if content_type == "text/csv":
        header = next(csv.reader(io.StringIO(body)))
        assert header and all(f"?{variable}" in example.query for variable in header), header
    elif content_type == "application/sparql-results+json":
        results = json.loads(body)
        assert "boolean" in results or results["results"]["bindings"]
    elif content_type in RDF_FORMATS:
        assert list(pyoxigraph.parse(body.encode("utf-8"), format=RDF_FORMATS[content_type]))
    else:
        raise AssertionError(f"unexpected {content_type}")
