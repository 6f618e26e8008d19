"""Read what follows the reasoning sentence: an optional heading, the listed items, the source, the facets.

The layout is read from both ends. The three facet pairs (name line, definition line) close the page,
possibly followed by stray lines, so they are found from the end by how many of their names are known
values. The last item's code line runs into the source title, which is followed by `Authors (year)`; on a
page without a source block it runs into the lifecycle stage name instead. Between the first title and the
last code line the items follow one pattern: a code line ends one item and carries the next item's title,
and the lines between two code lines are the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from mitigraph.importer.code_lines import CodeLine, read_code_line, unread_code_line_note
from mitigraph.importer.errors import PageFormatError, WarningLog
from mitigraph.importer.model import Author, CategoryMention, FacetChoice, Line, ListedItem, SourceBlock
from mitigraph.importer.taxonomy_match import ReferenceTerms, normalised
from mitigraph.importer.titles import title_path
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION

AUTHORS_LINE = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>\d{4})\)$")
FACET_LINES = 6
TITLE_MAX_WORDS = 15
"""A line longer than this, or ending like a sentence, is a description rather than a title or heading."""


@dataclass(frozen=True)
class Layout:
    heading: Line | None
    items: tuple[ListedItem, ...]
    source: SourceBlock | None
    facets: tuple[FacetChoice, ...]


@dataclass(frozen=True)
class _FacetBlock:
    end: int
    score: int
    glued: CodeLine | None
    """The last item's code line when the lifecycle stage name runs into it (a page with no source block)."""


def read_layout(path: Path, lines: list[Line], *, terms: ReferenceTerms, log: WarningLog) -> Layout:
    """Heading, items, source and facets of the lines after the reasoning sentence."""
    block = _find_facets(path, lines, terms=terms, log=log)
    facets = _facets(lines, block)
    body = lines[: block.end - FACET_LINES + 2] if block.glued else lines[: block.end - FACET_LINES + 1]
    codes = {i: code for i, line in enumerate(body) if (code := read_code_line(line.text, terms)) is not None}
    if block.glued is not None:
        codes[len(body) - 1] = block.glued
    if not codes:
        heading, source = _page_without_items(body, log=log)
        return Layout(heading=heading, items=(), source=source, facets=facets)
    last, source = _source(body, codes, glued=block.glued is not None, log=log)
    used = {i: code for i, code in codes.items() if i <= last}
    heading, items = _items(body[: last + 1], used, terms=terms, log=log)
    return Layout(heading=heading, items=items, source=source, facets=facets)


def _find_facets(path: Path, lines: list[Line], *, terms: ReferenceTerms, log: WarningLog) -> _FacetBlock:
    if len(lines) < FACET_LINES:
        raise PageFormatError(
            path,
            lines[-1].number if lines else None,
            "after the reasoning, the three facets (lifecycle stage, actor, risk-management function), "
            "each a name line and a definition line",
        )
    lifecycle_names = terms.facet_names(LIFECYCLE_STAGE)
    best: _FacetBlock | None = None
    for end in range(len(lines) - 1, FACET_LINES - 2, -1):
        first = lines[end - FACET_LINES + 1]
        glued = read_code_line(first.text, terms, followed_by=lifecycle_names)
        names = (glued.rest if glued else first.text, lines[end - 3].text, lines[end - 1].text)
        score = sum(
            terms.facet_value(facet, name) is not None
            for facet, name in zip((LIFECYCLE_STAGE, ACTOR, RISK_MANAGEMENT_FUNCTION), names, strict=True)
        )
        if best is None or score > best.score:
            best = _FacetBlock(end=end, score=score, glued=glued)
    assert best is not None
    if best.score == 0:
        log.warn(
            lines[best.end - FACET_LINES + 1].number,
            "none of the facet names is a known value: the last six lines are read as the three facets",
        )
    if best.end < len(lines) - 1:
        extra = lines[best.end + 1 :]
        log.warn(
            extra[0].number,
            f"{len(extra)} line(s) after the last facet value ignored (to line {extra[-1].number})",
        )
    return best


def _facets(lines: list[Line], block: _FacetBlock) -> tuple[FacetChoice, ...]:
    start = block.end - FACET_LINES + 1
    first_name = block.glued.rest if block.glued else lines[start].text
    names = (first_name, lines[start + 2].text, lines[start + 4].text)
    return tuple(
        FacetChoice(
            facet=facet, name=name, definition=lines[start + 2 * k + 1].text, line=lines[start + 2 * k].number
        )
        for k, (facet, name) in enumerate(
            zip((LIFECYCLE_STAGE, ACTOR, RISK_MANAGEMENT_FUNCTION), names, strict=True)
        )
    )


def _source(
    body: list[Line], codes: dict[int, CodeLine], *, glued: bool, log: WarningLog
) -> tuple[int, SourceBlock | None]:
    """The index of the last item's code line, and the source block that follows it."""
    if glued:
        return len(body) - 1, None
    authors_at = next(
        (i for i in range(len(body) - 1, 0, -1) if AUTHORS_LINE.match(body[i].text) and i - 1 in codes), None
    )
    last = authors_at - 1 if authors_at is not None else max(codes)
    title = codes[last].rest.strip()
    if not title:
        log.warn(
            body[last].number, "the last code line carries no source title: the items get an untitled source"
        )
        return last, None
    if authors_at is None:
        log.warn(
            body[last].number,
            "no 'Authors (year)' line follows the source title: the source has no authors and no year",
        )
        return last, SourceBlock(title=title, line=body[last].number, abstract=_texts(body[last + 1 :]))
    return last, _source_block(title, body[last].number, body[authors_at], body[authors_at + 1 :])


def _source_block(title: str, line: int, authors_line: Line, abstract: list[Line]) -> SourceBlock:
    match = AUTHORS_LINE.match(authors_line.text)
    assert match is not None
    authors = tuple(Author(name.strip()) for name in match["authors"].split(";") if name.strip())
    return SourceBlock(title=title, line=line, authors=authors, year=match["year"], abstract=_texts(abstract))


def _page_without_items(body: list[Line], *, log: WarningLog) -> tuple[Line | None, SourceBlock | None]:
    """A page that lists no other item: maybe a heading, maybe a source block on its own lines."""
    authors_at = next((i for i in range(len(body) - 1, 0, -1) if AUTHORS_LINE.match(body[i].text)), None)
    before = body[: authors_at - 1] if authors_at is not None else body
    source = None
    if authors_at is not None:
        title_line = body[authors_at - 1]
        source = _source_block(title_line.text, title_line.number, body[authors_at], body[authors_at + 1 :])
    if len(before) > 1:
        log.warn(
            before[1].number, f"{len(before) - 1} line(s) before the source block not understood; ignored"
        )
    return (before[0] if before else None), source


def _items(
    body: list[Line], codes: dict[int, CodeLine], *, terms: ReferenceTerms, log: WarningLog
) -> tuple[Line | None, tuple[ListedItem, ...]]:
    indexes = sorted(codes)
    heading, first_title, first_description = _prelude(body[: indexes[0]], body[indexes[0]], codes, log=log)
    titles = [first_title] + [Line(body[i].number, codes[i].rest.strip()) for i in indexes[:-1]]
    descriptions = [first_description] + [body[a + 1 : b] for a, b in pairwise(indexes)]
    items = []
    for title, description, at in zip(titles, descriptions, indexes, strict=True):
        code = codes[at]
        if code.note:
            log.warn(body[at].number, code.note)
        for line in description:
            note = unread_code_line_note(line.text, terms)
            if note:
                log.warn(line.number, note)
        if not title.text:
            log.warn(title.number, "an item without a title: its label is derived from its description")
        items.append(
            ListedItem(
                title=title.text,
                title_line=title.number,
                description=_texts(description),
                category=CategoryMention(code=code.code, name=code.name or None, line=body[at].number),
            )
        )
    return heading, tuple(items)


def _prelude(
    prelude: list[Line], first_code: Line, codes: dict[int, CodeLine], *, log: WarningLog
) -> tuple[Line | None, Line, list[Line]]:
    """(heading, first item's title, first item's description) from the lines before the first code line.

    The heading is a title-like line directly followed by another title-like line.
    """
    if not prelude:
        return None, Line(first_code.number, ""), []
    if len(prelude) >= 2 and _title_like(prelude[0].text) and _title_like(prelude[1].text):
        if len(prelude) == 2 and not _is_a_parent_title(prelude[0].text, codes):
            log.warn(
                prelude[0].number,
                f"two title-like lines before the first category code: line {prelude[0].number} is read as "
                f"the page heading and line {prelude[1].number} as the first item's title (no description)",
            )
        return prelude[0], prelude[1], prelude[2:]
    return None, prelude[0], prelude[1:]


def _is_a_parent_title(text: str, codes: dict[int, CodeLine]) -> bool:
    """True when some later item is listed as `<text> > ...`, which confirms a heading line."""
    wanted = normalised(title_path(text)[-1].label)
    return any(
        len(path) > 1 and normalised(path[0].label) == wanted
        for path in (title_path(code.rest) for code in codes.values())
    )


def _title_like(text: str) -> bool:
    return not text.endswith((".", "!", "?", ":")) and len(text.split()) <= TITLE_MAX_WORDS


def _texts(lines: list[Line]) -> tuple[str, ...]:
    return tuple(line.text for line in lines)
