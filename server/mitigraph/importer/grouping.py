"""Group the pages of a batch by source: pages that list the same items come from the same source.

A page lists other records of its own record's source, in the same order on every page of that source. So
two pages belong together when they list one distinctive item (a title path `A > B` or a long text), two
items in a row, a text one of them shows as its record's text, the same source title, or a text that the
other's cut-off last line starts (a cut-off line is never data, but its start is evidence enough to find the
same text elsewhere). A group's source is the one source block its pages show, if they show exactly one;
never a guess from id ranges.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise

from rdflib import URIRef

from mitigraph.importer.errors import WarningKind, WarningLog
from mitigraph.importer.listing import read_code_line
from mitigraph.importer.records import ListedItem, ParsedPage
from mitigraph.importer.reference import ReferenceTerms, normalised
from mitigraph.iris import slugify

MIN_JOIN_TEXT = 40
"""A text shorter than this (in characters) is too plain to say that two pages show the same thing."""

Content = tuple[tuple[str, ...], str, tuple[str, ...]]
"""An item as listed: normalised title path (section numbers kept), code, normalised paragraphs."""
ItemKey = tuple[str, Content, int]
"""An item of the batch: its owner (source or anchor page), what is listed, its rank among equal listings."""


def paragraphs(texts: Sequence[str]) -> tuple[str, ...]:
    return tuple(normalised(text) for text in texts if text.strip())


def same_text(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Two texts of whole paragraphs, one the start of the other, long enough to tell them apart."""
    shorter = min(len(one), len(other))
    if shorter == 0 or one[:shorter] != other[:shorter]:
        return False
    return sum(len(paragraph) for paragraph in one[:shorter]) >= MIN_JOIN_TEXT


def content(item: ListedItem) -> Content:
    return (
        tuple(normalised(part.written) for part in item.path),
        item.category.code,
        paragraphs(item.description),
    )


class _UnionFind:
    """Union-find over page indexes."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def find(self, index: int) -> int:
        while self._parent[index] != index:
            self._parent[index] = self._parent[self._parent[index]]
            index = self._parent[index]
        return index

    def union(self, indexes: Sequence[int]) -> None:
        for one, other in pairwise(indexes):
            a, b = self.find(one), self.find(other)
            if a != b:
                self._parent[max(a, b)] = min(a, b)


class SourceGroups:
    """The batch's pages grouped by source; each page's source IRI and its owner slug for item IRIs."""

    def __init__(
        self, pages: Sequence[ParsedPage], *, terms: ReferenceTerms, logs: Sequence[WarningLog]
    ) -> None:
        self.pages, self.terms, self.minter, self.logs = pages, terms, terms.minter, logs
        self.order = sorted(range(len(pages)), key=lambda i: pages[i].page_id)
        self.texts = self._join_texts()
        self.groups = self._source_groups()
        self.members: dict[int, list[int]] = defaultdict(list)
        for index in self.order:
            self.members[self.groups.find(index)].append(index)
        self.sources = [self._source(i) for i in range(len(pages))]
        self.owners = [self._owner(i) for i in range(len(pages))]

    def _join_texts(self) -> list[tuple[str, int]]:
        """Every distinctive text of the batch and its page, sorted, so that a cut-off start finds it."""
        texts = set()
        for index, page in enumerate(self.pages):
            for item in page.items:
                texts |= {
                    (normalised(item.title), index),
                    *((text, index) for text in paragraphs(item.description)),
                }
            texts |= {(text, index) for text in paragraphs([line.text for line in page.head.record_text])}
            if page.source is not None:
                texts.add((normalised(page.source.title), index))
        return sorted(text for text in texts if len(text[0]) >= MIN_JOIN_TEXT)

    def starting_with(self, start: str) -> list[tuple[str, int]]:
        at = bisect_left(self.texts, (start, -1))
        found = []
        while at < len(self.texts) and self.texts[at][0].startswith(start):
            found.append(self.texts[at])
            at += 1
        return found

    def cut_text(self, page: ParsedPage) -> str | None:
        """The cut-off line's text (a code line's text after its name), if long enough to look up."""
        if page.cut_line is None:
            return None
        code = read_code_line(page.cut_line.text, self.terms)
        text = normalised(code.rest if code is not None else page.cut_line.text)
        return text if len(text) >= MIN_JOIN_TEXT else None

    def _source_groups(self) -> _UnionFind:
        groups = _UnionFind(len(self.pages))
        joined: dict[object, list[int]] = defaultdict(list)
        for index in self.order:
            page = self.pages[index]
            listed = [content(item) for item in page.items]
            for item, one in zip(page.items, listed, strict=True):
                if len(one[0]) > 1 or sum(map(len, one[2])) >= MIN_JOIN_TEXT:
                    joined[one].append(index)
                if len(item.path) > 1 or len(item.title) >= MIN_JOIN_TEXT:
                    joined[("title", normalised(item.title))].append(index)
            for pair in pairwise(listed):
                joined[pair].append(index)
            for text in (page.source.title if page.source else None, page.tail.text if page.tail else None):
                if text:
                    joined[("title", normalised(text))].append(index)
            cut = self.cut_text(page)
            if cut is not None:
                joined[("cut", index)] = [index, *(found for _, found in self.starting_with(cut))]
        for text, index in self.texts:
            joined[("text", text)].append(index)
        for indexes in joined.values():
            groups.union(indexes)
        return groups

    def _source(self, index: int) -> tuple[URIRef | None, tuple[str, ...]]:
        """The page's source IRI and, when the page does not show it, the pages of its group that do."""
        page = self.pages[index]
        if page.source is not None:
            return self.minter.source(page.source.title), ()
        shown = [self.pages[i] for i in self.members[self.groups.find(index)] if self.pages[i].source]
        titles = {normalised(other.source.title) for other in shown if other.source}
        if len(titles) == 1 and shown[0].source is not None:
            return self.minter.source(shown[0].source.title), tuple(other.page_id for other in shown)
        if titles:
            self.logs[index].warn(
                WarningKind.NO_SOURCE,
                None,
                f"pages listing the same items show {len(titles)} different sources "
                f"({', '.join(other.page_id for other in shown[:4])}): none is chosen",
            )
        return None, ()

    def _owner(self, index: int) -> str:
        source = self.sources[index][0]
        if source is not None:
            return str(source).rsplit("/", 1)[-1]
        anchor = self.pages[self.members[self.groups.find(index)][0]].page_id
        return f"page-{slugify(anchor)}"
