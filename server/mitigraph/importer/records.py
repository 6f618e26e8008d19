"""What one navigator page states, with the line each value came from, before any IRI is minted: the
record's opening and NIST tags, the other records of its source (listed items), the source and the facets.

Between the first title and the last code line the items follow one pattern: a code line `<code> <name>`
ends one item and carries the next item's title, and the lines between two code lines are the description.
Pages glue the name to the next title (`2.4.1 Research & FoundationsDevelop ...`), so its end has to be
found. Known names are tried first, longest first, and must be followed by no space and no lower-case letter
(a title starts a new word); that keeps `1.1 Model weights ...` (a text that starts with a number) from being
read as code 1.1. A name the taxonomy does not know ends where a lower-case letter meets an upper-case
letter, digit or quote with nothing between them, and must read like a name (a few title-case words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from mitigraph.importer.taxonomy import ReferenceTerms
from mitigraph.importer.text import Line, WarningKind, WarningLog, normalised, paragraphs

CODE_PREFIX = re.compile(r"^(?P<code>\d+(?:\.\d+)*) (?P<rest>\S.*)$")
GLUE = re.compile(r"[a-z)](?=[A-Z0-9“‘\"])")
"""Where an unknown category name ends: the glued boundary between its last word and the next text."""
MAX_NAME_WORDS = 6
NAME_LINK_WORDS = frozenset({"&", "and", "or", "of", "for", "the", "in", "on", "to", "with"})
SECTION_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})*)\.? +(?P<label>\S.*)$")
PATH_SEPARATOR = " > "
TITLE_MAX_WORDS = 15
"""A line longer than this, or ending like a sentence, is a description rather than a title or heading."""
NIST_TAGS = re.compile(
    r"^(?P<text>.*?)\s*\[NIST GenAI risks: (?P<risks>[^\]]*)\]"
    r"\s*\|\s*\[NIST AI Actor tasks: (?P<tasks>[^\]]*)\]$"
)

Content = tuple[tuple[str, ...], str, tuple[str, ...]]
"""An item as listed: normalised title path (section numbers kept), code, normalised paragraphs."""


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

    @property
    def content(self) -> Content:
        """What the item is, as another page listing the same item shows it too."""
        path = tuple(normalised(part.written) for part in self.path)
        return (path, self.category.code, paragraphs(self.description))


@dataclass(frozen=True)
class SourceBlock:
    """The source document as the page shows it; `authors_line` is None when no `Authors (year)` follows."""

    title: str
    line: int
    authors: tuple[str, ...] = ()
    """As the page writes them: `Family, Given` for a person, a plain name for an organisation."""
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
    facets: tuple[FacetChoice, ...] = ()
    cut_line: Line | None = None
    cut_in_record_text: bool = False
    """True when the page stops inside its record's text (the cut-off line was part of it)."""
    tail: Line | None = None

    @property
    def incomplete(self) -> bool:
        return self.cut_line is not None

    @property
    def record_paragraphs(self) -> tuple[str, ...]:
        """The record's text as normalised paragraphs, as another page may list it."""
        return paragraphs([line.text for line in self.head.record_text])


@dataclass(frozen=True)
class CodeLine:
    """A category code line: its code, the name the page shows and the text glued after the name."""

    code: str
    name: str
    rest: str
    note: str | None = None
    """A decision taken on its own while reading this line, reported as a warning when the line is used."""


def read_code_line(text: str, terms: ReferenceTerms, *, followed_by: Sequence[str] = ()) -> CodeLine | None:
    """The code line `text` is, or None when it is text (a title or description that may start with a number).

    `followed_by` lists texts that may follow the name on this line (the lifecycle stage names, for a last
    item whose code runs into the facets); they help find the end of a name the taxonomy does not know.
    """
    match = CODE_PREFIX.match(text)
    if match is None:
        return None
    code, rest = match["code"], match["rest"]
    known = terms.category(code)
    if known is not None and known.name and _glued(rest, known.name):
        return CodeLine(code=code, name=known.name, rest=rest[len(known.name) :])
    other = next((name for name in terms.category_names_longest_first() if _glued(rest, name)), None)
    if other is not None:
        note = None
        if known is not None and known.name:
            note = f"code {code} is {known.name!r} in the taxonomy but the page names it {other!r}; code kept"
        return CodeLine(code=code, name=other, rest=rest[len(other) :], note=note)
    if known is not None and known.name:
        return None
    split = split_unknown_name(rest, followed_by=followed_by)
    if split is None:
        return None
    name, after = split
    return CodeLine(code=code, name=name, rest=after)


def split_unknown_name(rest: str, *, followed_by: Sequence[str] = ()) -> tuple[str, str] | None:
    """Split `rest` into (name, following text) for a name the taxonomy does not know, or None."""
    for following in sorted(followed_by, key=len, reverse=True):
        if rest.endswith(following) and len(rest) > len(following):
            name = rest[: -len(following)]
            if _name_like(name):
                return name, following
    glue = GLUE.search(rest)
    if glue is None:
        return None
    name = rest[: glue.end()]
    return (name, rest[glue.end() :]) if _name_like(name) else None


def title_path(title: str) -> tuple[TitlePart, ...]:
    """`Capability Limitation Mitigations > 2.1 Data Filtering` -> two parts, the second numbered 2.1."""
    parts = []
    for part in title.split(PATH_SEPARATOR):
        match = SECTION_NUMBER.match(part.strip())
        parts.append(TitlePart(match["label"], match["number"]) if match else TitlePart(part.strip()))
    return tuple(parts)


def title_like(text: str) -> bool:
    return not text.endswith((".", "!", "?", ":")) and len(text.split()) <= TITLE_MAX_WORDS


def read_items(
    body: Sequence[Line], codes: dict[int, CodeLine], *, terms: ReferenceTerms, log: WarningLog
) -> tuple[Line | None, tuple[ListedItem, ...]]:
    """(heading, items) of `body`, whose last code line closes the last item."""
    indexes = sorted(codes)
    others_described = {b > a + 1 for a, b in pairwise(indexes)}
    heading, first_title, first_description = _prelude(
        body[: indexes[0]], body[indexes[0]], codes, others_described=others_described, log=log
    )
    titles = [first_title] + [Line(body[i].number, codes[i].rest.strip()) for i in indexes[:-1]]
    descriptions = [first_description] + [list(body[a + 1 : b]) for a, b in pairwise(indexes)]
    items = []
    for title, description, at in zip(titles, descriptions, indexes, strict=True):
        code = codes[at]
        if code.note:
            log.warn(WarningKind.CATEGORY_CONFLICT, body[at].number, code.note)
        for line in description:
            note = _unread_code_line_note(line.text, terms)
            if note:
                log.warn(WarningKind.NUMBERED_TEXT, line.number, note)
        if not title.text:
            log.warn(
                WarningKind.UNTITLED_ITEM,
                title.number,
                "an item without a title: its label is derived from its description",
            )
        items.append(
            ListedItem(
                title=title.text,
                path=title_path(title.text),
                title_line=title.number,
                description=tuple(line.text for line in description),
                category=CategoryMention(code=code.code, name=code.name or None, line=body[at].number),
            )
        )
    return heading, tuple(items)


def nist_tags(text: list[Line]) -> tuple[list[Line], NistTags | None]:
    """Split NIST tags off the end of the record's text."""
    match = NIST_TAGS.match(text[-1].text) if text else None
    if match is None:
        return text, None
    tags = NistTags(
        risks=tuple(risk.strip() for risk in match["risks"].split(";") if risk.strip()),
        actor_tasks=tuple(task.strip() for task in match["tasks"].split(",") if task.strip()),
        line=text[-1].number,
    )
    before = match["text"].strip()
    return text[:-1] + ([Line(text[-1].number, before)] if before else []), tags


def _prelude(
    prelude: Sequence[Line],
    first_code: Line,
    codes: dict[int, CodeLine],
    *,
    others_described: set[bool],
    log: WarningLog,
) -> tuple[Line | None, Line, list[Line]]:
    """(heading, first item's title, first item's description) from the lines before the first code line.

    The heading is a title-like line directly followed by another title-like line. Two such lines alone
    may also be a title and a short description: the other items decide (all described: a description;
    none described, or the first line names the parent of later items: a heading); else it is a guess.
    """
    if not prelude:
        return None, Line(first_code.number, ""), []
    if len(prelude) >= 2 and title_like(prelude[0].text) and title_like(prelude[1].text):
        if len(prelude) == 2 and others_described == {True}:
            return None, prelude[0], list(prelude[1:])
        if (
            len(prelude) == 2
            and others_described != {False}
            and not _is_a_parent_title(prelude[0].text, codes)
        ):
            log.warn(
                WarningKind.HEADING,
                prelude[0].number,
                f"two title-like lines before the first category code: line {prelude[0].number} is read as "
                f"the page heading and line {prelude[1].number} as the first item's title (no description)",
            )
        return prelude[0], prelude[1], list(prelude[2:])
    return None, prelude[0], list(prelude[1:])


def _is_a_parent_title(text: str, codes: dict[int, CodeLine]) -> bool:
    """True when some later item is listed as `<text> > ...`, which confirms a heading line."""
    wanted = normalised(title_path(text)[-1].label)
    return any(
        len(path) > 1 and normalised(path[0].label) == wanted
        for path in (title_path(code.rest) for code in codes.values())
    )


def _unread_code_line_note(text: str, terms: ReferenceTerms) -> str | None:
    """For a line read as text that nevertheless looks like `<known code> <some name><title>`: say so."""
    match = CODE_PREFIX.match(text)
    if match is None:
        return None
    known = terms.category(match["code"])
    if known is None or not known.name or split_unknown_name(match["rest"]) is None:
        return None
    return (
        f"starts with code {known.code} but not with its name {known.name!r}; read as text "
        "(a title or description that begins with a number)"
    )


def _glued(rest: str, name: str) -> bool:
    """True when `rest` starts with `name` and the next text follows without a space, as pages glue them."""
    following = rest[len(name) : len(name) + 1]  # empty when the name ends the line
    return rest.startswith(name) and not following.isspace() and not following.islower()


def _name_like(name: str) -> bool:
    """A category name: a few title-case words (`Public Engagement`, `Guardrails & Filtering`)."""
    words = name.split(" ")
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    return all(word and (word[0].isupper() or word[0].isdigit() or word in NAME_LINK_WORDS) for word in words)
