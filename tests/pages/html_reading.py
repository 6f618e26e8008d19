"""Reading served HTML the way a user sees it: the links (target and visible text) and the visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

IRI_LIKE = re.compile(r"^\s*(https?|urn|file):", re.IGNORECASE)


@dataclass(frozen=True)
class PageLink:
    href: str
    text: str


class _LinkReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[PageLink] = []
        self.text_parts: list[str] = []
        self._open_href: str | None = None
        self._link_text: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._hidden_depth += 1
        if tag == "a":
            self._open_href = dict(attrs).get("href") or ""
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._hidden_depth -= 1
        if tag == "a" and self._open_href is not None:
            self.links.append(PageLink(self._open_href, " ".join("".join(self._link_text).split())))
            self._open_href = None

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        self.text_parts.append(data)
        if self._open_href is not None:
            self._link_text.append(data)


@dataclass(frozen=True)
class Page:
    links: tuple[PageLink, ...]
    text: str
    """The visible text, whitespace collapsed."""

    def link_texts(self) -> list[str]:
        return [link.text for link in self.links]

    def href_of(self, text: str) -> str:
        matches = [link.href for link in self.links if link.text == text]
        assert matches, f"no link reads {text!r}; links read: {self.link_texts()}"
        return matches[0]

    def bare_iri_links(self) -> list[PageLink]:
        return [link for link in self.links if IRI_LIKE.match(link.text)]


def read_page(html: str) -> Page:
    reader = _LinkReader()
    reader.feed(html)
    reader.close()
    return Page(links=tuple(reader.links), text=" ".join("".join(reader.text_parts).split()))
