"""Reading served HTML the way a user sees it: the links (target, visible text and the markers shown right
after them, such as "incomplete" or "provisional") and the visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

IRI_LIKE = re.compile(r"^\s*(https?|urn|file):", re.IGNORECASE)


@dataclass(frozen=True)
class PageLink:
    href: str
    text: str
    markers: tuple[str, ...] = ()
    """The text of the `class="marker"` badges that directly follow the link."""


class _LinkReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[PageLink] = []
        self.text_parts: list[str] = []
        self._open_href: str | None = None
        self._link_text: list[str] = []
        self._hidden_depth = 0
        self._marker_text: list[str] | None = None
        self._after_link = False
        """True between a link's end and the next visible text or block: where its markers are."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._hidden_depth += 1
        if tag == "a":
            self._open_href = dict(attrs).get("href") or ""
            self._link_text = []
            self._after_link = False
        elif tag == "span" and "marker" in (dict(attrs).get("class") or "").split() and self._after_link:
            self._marker_text = []
        elif tag not in ("span",):
            self._after_link = False

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._hidden_depth -= 1
        if tag == "a" and self._open_href is not None:
            self.links.append(PageLink(self._open_href, " ".join("".join(self._link_text).split())))
            self._open_href = None
            self._after_link = True
        elif tag == "span" and self._marker_text is not None:
            last = self.links[-1]
            marker = " ".join("".join(self._marker_text).split())
            self.links[-1] = PageLink(last.href, last.text, (*last.markers, marker))
            self._marker_text = None

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        self.text_parts.append(data)
        if self._open_href is not None:
            self._link_text.append(data)
        elif self._marker_text is not None:
            self._marker_text.append(data)
        elif data.strip():
            self._after_link = False


@dataclass(frozen=True)
class Page:
    links: tuple[PageLink, ...]
    text: str
    """The visible text, whitespace collapsed."""

    def link_texts(self) -> list[str]:
        return [link.text for link in self.links]

    def link_reading(self, text: str) -> PageLink:
        """The first link whose visible text is `text`."""
        matches = [link for link in self.links if link.text == text]
        assert matches, f"no link reads {text!r}; links read: {self.link_texts()}"
        return matches[0]

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
