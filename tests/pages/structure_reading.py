"""Reading the structure a user sees in served HTML: the tables (header, body and footer rows as cell texts,
with the links of each row's first cell), the lists of a record's text (`ul` / `ol` with class `text-list`)
and the lists of links (class `links`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    caption: str = ""
    head: list[list[str]] = field(default_factory=list)
    body: list[list[str]] = field(default_factory=list)
    foot: list[list[str]] = field(default_factory=list)
    row_links: list[str] = field(default_factory=list)
    """The first link of each body row's first cell (its row header)."""

    def column(self, name: str) -> int:
        """The index of the header cell that reads `name`."""
        header = self.head[-1]
        assert name in header, f"no column {name!r}; columns: {header}"
        return header.index(name)


@dataclass
class TextList:
    ordered: bool
    items: list[str] = field(default_factory=list)
    kind: str = "text-list"
    """Its class: "text-list" (a record's text) or "links"."""


class _StructureReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.lists: list[TextList] = []
        self._section = "body"
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row_link: str | None = None
        self._list: TextList | None = None
        self._item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.tables.append(Table())
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag[1:] if tag != "tbody" else "body"
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row, self._row_link = [], None
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and self._row is not None and not self._row and self._row_link is None:
            self._row_link = values.get("href") or ""
        elif tag in ("ul", "ol") and {"text-list", "links"} & set((values.get("class") or "").split()):
            kind = "text-list" if "text-list" in (values.get("class") or "").split() else "links"
            self._list = TextList(ordered=tag == "ol", kind=kind)
        elif tag == "li" and self._list is not None:
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            table = self.tables[-1]
            {"head": table.head, "body": table.body, "foot": table.foot}[self._section].append(self._row)
            if self._section == "body":
                table.row_links.append(self._row_link or "")
            self._row = None
        elif tag == "caption" and self._caption is not None and self.tables:
            self.tables[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("thead", "tfoot"):
            self._section = "body"
        elif tag == "li" and self._item is not None and self._list is not None:
            self._list.items.append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag in ("ul", "ol") and self._list is not None:
            self.lists.append(self._list)
            self._list = None

    def handle_data(self, data: str) -> None:
        for collecting in (self._cell, self._caption, self._item):
            if collecting is not None:
                collecting.append(data)


def read_structure(html: str) -> tuple[list[Table], list[TextList]]:
    reader = _StructureReader()
    reader.feed(html)
    reader.close()
    return reader.tables, reader.lists


def table_captioned(html: str, caption: str) -> Table:
    tables, _ = read_structure(html)
    matches = [table for table in tables if table.caption == caption]
    assert matches, f"no table captioned {caption!r}; captions: {[t.caption for t in tables]}"
    return matches[0]


def text_lists(html: str) -> list[TextList]:
    return [found for found in read_structure(html)[1] if found.kind == "text-list"]


def link_lists(html: str) -> list[TextList]:
    return [found for found in read_structure(html)[1] if found.kind == "links"]
