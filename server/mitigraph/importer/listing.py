"""Read the list of other records from the same source: titles, descriptions and `<code> <name>` lines.

Pages glue an item's category name to the next title (`2.4.1 Research & FoundationsDevelop ...`), so the
name's end has to be found. Known names are tried first, longest first, and must be followed by no space
and no lower-case letter (a title starts a new word); that keeps `1.1 Model weights ...` (a text that starts
with a number) from being read as code 1.1. A name the taxonomy does not know ends where a lower-case letter
meets an upper-case letter, digit or quote with nothing between them, and must read like a name (title-case
words, at most a few). Anything else is text.

Between the first title and the last code line the items follow one pattern: a code line ends one item and
carries the next item's title, and the lines between two code lines are the description. The last code line
carries the source's title, which `Authors (year)` and the abstract follow; on a page that stops early it
may carry the title of an item the page does not finish (the tail).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from mitigraph.importer.errors import WarningKind, WarningLog
from mitigraph.importer.records import Author, CategoryMention, Line, ListedItem, SourceBlock, TitlePart
from mitigraph.importer.reference import ReferenceTerms, normalised

AUTHORS_LINE = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>\d{4})\)$")
CODE_PREFIX = re.compile(r"^(?P<code>\d+(?:\.\d+)*) (?P<rest>\S.*)$")
GLUE = re.compile(r"[a-z)](?=[A-Z0-9“‘\"])")
"""Where an unknown category name ends: the glued boundary between its last word and the next text."""
MAX_NAME_WORDS = 6
NAME_LINK_WORDS = frozenset({"&", "and", "or", "of", "for", "the", "in", "on", "to", "with"})
SECTION_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})*)\.? +(?P<label>\S.*)$")
PATH_SEPARATOR = " > "
TITLE_MAX_WORDS = 15
"""A line longer than this, or ending like a sentence, is a description rather than a title or heading."""


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
    other = _known_name_at_start(rest, terms)
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


def code_lines(lines: Sequence[Line], terms: ReferenceTerms) -> dict[int, CodeLine]:
    """The code lines among `lines`, by index."""
    return {i: code for i, line in enumerate(lines) if (code := read_code_line(line.text, terms)) is not None}


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
    return tuple(_title_part(part.strip()) for part in title.split(PATH_SEPARATOR))


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


def _title_part(text: str) -> TitlePart:
    match = SECTION_NUMBER.match(text)
    if match is None:
        return TitlePart(label=text)
    return TitlePart(label=match["label"], section_number=match["number"])


def _glued(rest: str, name: str) -> bool:
    """True when `rest` starts with `name` and the next text follows without a space, as pages glue them."""
    if not rest.startswith(name):
        return False
    if len(rest) == len(name):
        return True
    following = rest[len(name)]
    return not following.isspace() and not following.islower()


def _known_name_at_start(rest: str, terms: ReferenceTerms) -> str | None:
    for name in terms.category_names_longest_first():
        if _glued(rest, name):
            return name
    return None


def _name_like(name: str) -> bool:
    """A category name: a few title-case words (`Public Engagement`, `Guardrails & Filtering`)."""
    words = name.split(" ")
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    return all(word and (word[0].isupper() or word[0].isdigit() or word in NAME_LINK_WORDS) for word in words)


def read_listing(
    body: list[Line], glued: CodeLine | None, *, terms: ReferenceTerms, log: WarningLog, incomplete: bool
) -> tuple[Line | None, tuple[ListedItem, ...], SourceBlock | None, Line | None]:
    """(heading, items, source, tail) of the lines between the reasoning and the facets.

    `glued` is the last code line when it runs into the lifecycle stage (a page with no source block).
    """
    codes = code_lines(body, terms)
    if glued is not None:
        codes[len(body) - 1] = glued
    if not codes:
        heading, source = _page_without_items(body, log=log, incomplete=incomplete)
        return heading, (), source, None
    last, source, tail = _source(body, codes, glued=glued is not None, incomplete=incomplete, log=log)
    used = {i: code for i, code in codes.items() if i <= last}
    heading, items = read_items(body[: last + 1], used, terms=terms, log=log)
    return heading, items, source, tail


def _source(
    body: list[Line], codes: dict[int, CodeLine], *, glued: bool, incomplete: bool, log: WarningLog
) -> tuple[int, SourceBlock | None, Line | None]:
    """(index of the last item's code line, the source block after it, the unresolved tail of a cut page)."""
    if glued:
        return len(body) - 1, None, None
    authors_at = next(
        (i for i in range(len(body) - 1, 0, -1) if AUTHORS_LINE.match(body[i].text) and i - 1 in codes), None
    )
    if authors_at is not None:
        last = authors_at - 1
        return (
            last,
            _source_block(
                codes[last].rest.strip(), body[last].number, body[authors_at], body[authors_at + 1 :]
            ),
            None,
        )
    last = max(codes)
    title = codes[last].rest.strip()
    if incomplete:
        return last, None, Line(body[last].number, title) if title else None
    if not title:
        log.warn(
            WarningKind.NO_SOURCE,
            body[last].number,
            "the last code line carries no source title: the page shows no source",
        )
        return last, None, None
    log.warn(
        WarningKind.SOURCE_INCOMPLETE,
        body[last].number,
        "no 'Authors (year)' line follows the source title: the source has no authors and no year",
    )
    abstract = body[last + 1 :]
    block = SourceBlock(
        title=title,
        line=body[last].number,
        abstract=tuple(line.text for line in abstract),
        abstract_line=abstract[0].number if abstract else None,
    )
    return last, block, None


def _source_block(title: str, line: int, authors_line: Line, abstract: Sequence[Line]) -> SourceBlock:
    match = AUTHORS_LINE.match(authors_line.text)
    assert match is not None
    return SourceBlock(
        title=title,
        line=line,
        authors=tuple(Author(name.strip()) for name in match["authors"].split(";") if name.strip()),
        year=match["year"],
        authors_line=authors_line.number,
        abstract=tuple(line.text for line in abstract),
        abstract_line=abstract[0].number if abstract else None,
    )


def _page_without_items(
    body: list[Line], *, log: WarningLog, incomplete: bool
) -> tuple[Line | None, SourceBlock | None]:
    """A page that lists no other item: maybe a heading, maybe a source block on its own lines."""
    authors_at = next((i for i in range(len(body) - 1, 0, -1) if AUTHORS_LINE.match(body[i].text)), None)
    before = body[: authors_at - 1] if authors_at is not None else body
    source = None
    if authors_at is not None:
        title_line = body[authors_at - 1]
        source = _source_block(title_line.text, title_line.number, body[authors_at], body[authors_at + 1 :])
    if incomplete:
        return None, source
    if len(before) > 1:
        log.warn(
            WarningKind.UNREAD_LINES,
            before[1].number,
            f"{len(before) - 1} line(s) before the source block not understood; ignored",
        )
    return (before[0] if before else None), source
