"""What one navigator page states, as plain values with the line each came from, before any IRI is minted."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """One non-blank line of a page and its 1-based line number in the file."""

    number: int
    text: str


@dataclass(frozen=True)
class TitlePart:
    """One step of a title path `A > B`: its label and the section number written before it, if any."""

    label: str
    section_number: str | None = None

    @property
    def written(self) -> str:
        """The step as the page writes it, section number included (item IRIs are minted from this)."""
        return f"{self.section_number} {self.label}" if self.section_number else self.label


@dataclass(frozen=True)
class CategoryMention:
    """A `<code> <name>` the page shows for a listed item; `name` is None when the page shows only a code."""

    code: str
    name: str | None
    line: int


@dataclass(frozen=True)
class ListedItem:
    """An item the page lists: title path as shown (`A > B`), description and category code line."""

    title: str
    path: tuple[TitlePart, ...]
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
    """The source document as the page shows it; `authors_line` is None when no `Authors (year)` follows."""

    title: str
    line: int
    authors: tuple[Author, ...] = ()
    year: str | None = None
    authors_line: int | None = None
    abstract: tuple[str, ...] = ()
    abstract_line: int | None = None


@dataclass(frozen=True)
class FacetChoice:
    """A facet value as the page shows it; `definition` is None when the page stops before it."""

    facet: str
    name: str
    definition: str | None
    line: int


@dataclass(frozen=True)
class NistTags:
    """`[NIST GenAI risks: a; b] | [NIST AI Actor tasks: c, d]` at the end of a record's text."""

    risks: tuple[str, ...]
    actor_tasks: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class PageHead:
    """What precedes the listed items: the record's category description, text and reasoning."""

    category_description: Line
    also_in: Line | None
    record_text: tuple[Line, ...]
    reasoning: Line | None
    nist: NistTags | None = None

    @property
    def also_in_name(self) -> str | None:
        return self.also_in.text.removeprefix("Also in").strip() if self.also_in is not None else None


@dataclass(frozen=True)
class ParsedPage:
    """Everything a page states, before any IRI is minted.

    `cut_line` is the last line of a page that stops early: it is never kept as data, only used to find
    the same text on another page. `tail` is the text after the last complete code line of such a page,
    which may be the next item's title or the source's title: only another page can tell (see `merging`).
    """

    path: Path
    page_id: str
    head: PageHead
    heading: Line | None
    items: tuple[ListedItem, ...]
    source: SourceBlock | None
    facets: tuple[FacetChoice, ...] = field(default=())
    cut_line: Line | None = None
    cut_in_record_text: bool = False
    """True when the page stops inside its record's text (the cut-off line was part of it)."""
    tail: Line | None = None

    @property
    def incomplete(self) -> bool:
        return self.cut_line is not None

    @property
    def record_text(self) -> str:
        return "\n\n".join(line.text for line in self.head.record_text)
