"""Recognise a page's layout: where it ends, its opening, its list, its source and its facets.

A complete page closes with three facet pairs (name line, definition line), found from the end by how many
of their names are known values and by a last definition that is whole. A page that does not close so was
cut off by the archive: its last line is the cut-off line and is never kept as data; what precedes it is
read forwards, keeping every block that is complete. The opening is the category description, an optional
`Also in <parent>`, the record's text (which may end in NIST tags), `Reasoning` and one sentence; either of
the last two may be missing. Between the opening and the facets come an optional heading, the listed items
(see `records`) and the source block, whose title rides on the last code line and which is followed by
`Authors (year)` and the abstract; pages without a source block run the last code line into the facets. On
a page that stops early the last code line may carry the title of an item the page does not finish (the
tail).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from mitigraph.importer.records import (
    CodeLine,
    FacetChoice,
    ListedItem,
    PageHead,
    ParsedPage,
    SourceBlock,
    nist_tags,
    read_code_line,
    read_items,
    title_like,
)
from mitigraph.importer.taxonomy import ReferenceTerms
from mitigraph.importer.text import (
    MIN_JOIN_TEXT,
    Line,
    PageFormatError,
    PageText,
    WarningKind,
    WarningLog,
    normalised,
)
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION

ALSO_IN = "Also in "
REASONING = "Reasoning"
AUTHORS_LINE = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>\d{4})\)$")
FACETS = (LIFECYCLE_STAGE, ACTOR, RISK_MANAGEMENT_FUNCTION)
FACET_LINES = 6
MIN_KNOWN_FACET_NAMES = 2
"""How many of the three closing facet names must be known values for the page to count as complete."""


@dataclass(frozen=True)
class _Closing:
    """Where the facets start (index of the lifecycle stage line) and where they end (last facet line)."""

    start: int
    end: int
    glued: CodeLine | None
    """The last item's code line when the lifecycle stage name runs into it (a page with no source block)."""


def read_layout(text: PageText, *, terms: ReferenceTerms, log: WarningLog) -> ParsedPage:
    """Every block the page shows completely, and where the page stops if it stops early."""
    lines = list(text.lines)
    closing, cut = _page_end(lines, text, terms=terms, log=log)
    body_end = len(lines) if closing is None else closing.start + (1 if closing.glued else 0)
    head, rest_start = _head(lines, body_end, terms=terms, incomplete=cut is not None, log=log)
    if closing is None:
        closing = _facets_forward(lines, rest_start, body_end, terms)
        if closing is not None:
            body_end = closing.start + (1 if closing.glued else 0)
    rest = lines[rest_start:body_end]
    glued = closing.glued if closing is not None else None
    heading, items, source, tail = _listing(rest, glued, terms=terms, log=log, incomplete=cut is not None)
    if source is not None and cut is not None and closing is None and source.abstract:
        source = replace(source, abstract=(), abstract_line=None)  # its end is unknown
    reasoned = any(line.text == REASONING for line in lines)
    return ParsedPage(
        path=text.path,
        page_id=text.page_id,
        head=head,
        heading=heading,
        items=items,
        source=source,
        facets=_facets(lines, closing) if closing is not None else (),
        cut_line=cut,
        cut_in_record_text=cut is not None and rest_start >= body_end and not reasoned,
        tail=tail,
    )


def cut_text(page: ParsedPage, terms: ReferenceTerms) -> str | None:
    """The cut-off line's text (a code line's text after its name), normalised, if long enough to look up
    on other pages (it is never data itself)."""
    if page.cut_line is None:
        return None
    code = read_code_line(page.cut_line.text, terms)
    text = normalised(code.rest if code is not None else page.cut_line.text)
    return text if len(text) >= MIN_JOIN_TEXT else None


def _page_end(
    lines: list[Line], text: PageText, *, terms: ReferenceTerms, log: WarningLog
) -> tuple[_Closing | None, Line | None]:
    """The closing facets of a complete page, or the cut-off line of one that stops early (taken off)."""
    closing = _closing_facets(lines, terms)
    if closing is None:
        cut = lines.pop()
        if len(lines) < 3:
            raise PageFormatError(text.path, cut.number, "the description of the record's category")
        log.warn(
            WarningKind.TRUNCATED,
            cut.number,
            f"the page stops early: its last line {cut.number} is cut off and not kept; every complete "
            "block before it is imported and the record is marked incomplete (mg:pageIncomplete)",
        )
        return None, cut
    if closing.end < len(lines) - 1:
        extra = lines[closing.end + 1 :]
        log.warn(
            WarningKind.UNREAD_LINES,
            extra[0].number,
            f"{len(extra)} line(s) after the last facet value ignored (to line {extra[-1].number})",
        )
    return closing, None


def _closing_facets(lines: Sequence[Line], terms: ReferenceTerms) -> _Closing | None:
    """The facet block that closes a complete page, or None when the page stops early."""
    lifecycle_names = terms.facet_names(LIFECYCLE_STAGE)
    best: tuple[int, _Closing] | None = None
    for end in range(len(lines) - 1, 2 + FACET_LINES, -1):
        first = lines[end - FACET_LINES + 1]
        glued = read_code_line(first.text, terms, followed_by=lifecycle_names)
        names = (glued.rest if glued else first.text, lines[end - 3].text, lines[end - 1].text)
        score = sum(
            terms.facet_value(facet, name) is not None for facet, name in zip(FACETS, names, strict=True)
        )
        if score >= MIN_KNOWN_FACET_NAMES and (best is None or score > best[0]):
            best = (score, _Closing(start=end - FACET_LINES + 1, end=end, glued=glued))
    if best is None:
        return None
    closing = best[1]
    last = terms.facet_value(RISK_MANAGEMENT_FUNCTION, lines[closing.end - 1].text)
    shown = normalised(lines[closing.end].text)
    known = normalised(last.definition) if last is not None and last.definition else None
    if known is not None and known != shown and known.startswith(shown):
        return None
    return closing


def _facets_forward(lines: Sequence[Line], start: int, stop: int, terms: ReferenceTerms) -> _Closing | None:
    """On a page that stops early: the lifecycle stage line after the last code line, if the page got there.

    The stage is recognised by a known name followed by its known definition (or by nothing, when the page
    stops right after the name).
    """
    lifecycle_names = terms.facet_names(LIFECYCLE_STAGE)
    last_code = max(
        (i for i in range(start, stop) if read_code_line(lines[i].text, terms)), default=start - 1
    )
    for index in range(max(start, last_code), stop):
        glued = read_code_line(lines[index].text, terms, followed_by=lifecycle_names)
        if index > last_code:
            name = lines[index].text
        elif glued is not None:
            name = glued.rest
        else:
            continue
        known = terms.facet_value(LIFECYCLE_STAGE, name)
        if known is None:
            continue
        follows = lines[index + 1].text if index + 1 < stop else None
        if follows is None or known.definition is None or normalised(follows) == normalised(known.definition):
            return _Closing(
                start=index,
                end=min(index + FACET_LINES - 1, stop - 1),
                glued=glued if index == last_code else None,
            )
    return None


def _facets(lines: Sequence[Line], closing: _Closing) -> tuple[FacetChoice, ...]:
    """Each facet whose name line the page shows, with its definition when the page shows that too."""
    choices = []
    for k, facet in enumerate(FACETS):
        at = closing.start + 2 * k
        if at > closing.end:
            break
        name = closing.glued.rest if closing.glued and k == 0 else lines[at].text
        definition = lines[at + 1].text if at + 1 <= closing.end else None
        choices.append(
            FacetChoice(facet=facet, name=name.strip(), definition=definition, line=lines[at].number)
        )
    return tuple(choices)


def _head(
    lines: Sequence[Line], body_end: int, *, terms: ReferenceTerms, incomplete: bool, log: WarningLog
) -> tuple[PageHead, int]:
    """The page's opening, and the index where what follows it starts."""
    description = lines[2]
    start = 3
    also_in = None
    if len(lines) > 3 and lines[3].text.startswith(ALSO_IN):
        also_in, start = lines[3], 4
    reasoning_at = next((i for i in range(start, body_end) if lines[i].text == REASONING), None)
    reasoning = None
    if reasoning_at is not None:
        text_end, rest_start = reasoning_at, reasoning_at + 2
        if reasoning_at + 1 < body_end:
            reasoning = lines[reasoning_at + 1]
    else:
        text_end = _record_text_end(lines, start, body_end, terms=terms, incomplete=incomplete)
        rest_start = text_end
        if not incomplete or text_end < body_end:
            log.warn(
                WarningKind.NO_REASONING,
                lines[min(text_end, body_end - 1)].number,
                'the page shows no "Reasoning" line: the record has no reasoning',
            )
    record_text, nist = nist_tags(list(lines[start:text_end]))
    return (
        PageHead(
            category_description=description,
            also_in=also_in,
            record_text=tuple(record_text),
            reasoning=reasoning,
            nist=nist,
        ),
        rest_start,
    )


def _record_text_end(
    lines: Sequence[Line], start: int, body_end: int, *, terms: ReferenceTerms, incomplete: bool
) -> int:
    """Without a `Reasoning` line: where the record's text ends and the list (heading, first item) begins.

    The first item is a title-like line followed by lines that are not (its description) up to the first
    code line; a title-like line right before it is the heading. With no code line, a page that stops early
    is all record text, and a complete page's text runs to its source block or facets.
    """
    first_code = next((i for i in range(start, body_end) if read_code_line(lines[i].text, terms)), None)
    if first_code is None:
        authors = next((i for i in range(start + 1, body_end) if AUTHORS_LINE.match(lines[i].text)), None)
        return authors - 1 if authors is not None and not incomplete else body_end
    title = first_code - 1
    while title > start and not title_like(lines[title].text):
        title -= 1
    if title < start or not title_like(lines[title].text):
        return first_code
    if title - 1 >= start and title_like(lines[title - 1].text):
        return title - 1
    return title


def _listing(
    body: list[Line], glued: CodeLine | None, *, terms: ReferenceTerms, log: WarningLog, incomplete: bool
) -> tuple[Line | None, tuple[ListedItem, ...], SourceBlock | None, Line | None]:
    """(heading, items, source, tail) of the lines between the reasoning and the facets.

    `glued` is the last code line when it runs into the lifecycle stage (a page with no source block).
    """
    codes = {i: code for i, line in enumerate(body) if (code := read_code_line(line.text, terms)) is not None}
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
    return last, _source_block(title, body[last].number, None, body[last + 1 :]), None


def _source_block(title: str, line: int, authors_line: Line | None, abstract: Sequence[Line]) -> SourceBlock:
    """The source's title, its `Authors (year)` line when the page shows one, and its abstract."""
    match = AUTHORS_LINE.match(authors_line.text) if authors_line is not None else None
    return SourceBlock(
        title=title,
        line=line,
        authors=tuple(name.strip() for name in match["authors"].split(";") if name.strip()) if match else (),
        year=match["year"] if match else None,
        authors_line=authors_line.number if authors_line is not None else None,
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
