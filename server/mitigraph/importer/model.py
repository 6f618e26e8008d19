"""The parts of a navigator page once it has been read: plain values with the line each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """One non-blank line of a page and its 1-based line number in the file."""

    number: int
    text: str


@dataclass(frozen=True)
class CategoryMention:
    """A `<code> <name>` the page shows for a listed item; `name` is None when the page shows only a code."""

    code: str
    name: str | None
    line: int


@dataclass(frozen=True)
class ListedItem:
    """An item the page lists: title as shown (`A > B`, may be empty), description and category."""

    title: str
    title_line: int
    description: tuple[str, ...]
    category: CategoryMention


@dataclass(frozen=True)
class Author:
    """An author as the page writes it: `Family, Given` for a person, a plain name for an organisation."""

    written: str

    @property
    def is_person(self) -> bool:
        return "," in self.written

    @property
    def family_name(self) -> str:
        return self.written.partition(",")[0].strip()

    @property
    def given_name(self) -> str:
        return self.written.partition(",")[2].strip()

    @property
    def display_name(self) -> str:
        """`Given Family` for a person, the name itself for an organisation."""
        if not self.is_person:
            return self.written
        return f"{self.given_name} {self.family_name}".strip()


@dataclass(frozen=True)
class SourceBlock:
    title: str
    line: int
    authors: tuple[Author, ...] = ()
    year: str | None = None
    abstract: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetChoice:
    """A facet value as the page shows it: name and definition (either may be empty on a damaged page)."""

    facet: str
    name: str
    definition: str
    line: int


@dataclass(frozen=True)
class PageHead:
    """What precedes the listed items: the record's category description, text and reasoning."""

    category_description: Line
    also_in: Line | None
    record_text: tuple[Line, ...]
    reasoning: Line


@dataclass(frozen=True)
class ParsedPage:
    """Everything a page states, before any IRI is minted."""

    path: Path
    page_id: str
    head: PageHead
    heading: Line | None
    items: tuple[ListedItem, ...]
    source: SourceBlock | None
    facets: tuple[FacetChoice, ...] = field(default=())
