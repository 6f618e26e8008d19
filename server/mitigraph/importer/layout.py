"""Recognise a page's layout: where it ends, its opening, its list, its source and its facets.

A complete page closes with three facet pairs (name line, definition line), found from the end by how many
of their names are known values and by a last definition that is whole. A page that does not close so was
cut off by the archive: its last line is the cut-off line and is never kept as data; what precedes it is
read forwards, keeping every block that is complete. The opening is the category description, an optional
`Also in <parent>`, the record's text (which may end in NIST tags), `Reasoning` and one sentence; either of
the last two may be missing. Between the opening and the facets come an optional heading, the listed items
(see `listing`) and the source block, whose title rides on the last code line and which is followed by
`Authors (year)` and the abstract; pages without a source block run the last code line into the facets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mitigraph.importer.errors import PageFormatError, WarningKind, WarningLog
from mitigraph.importer.listing import AUTHORS_LINE, CodeLine, read_code_line, read_listing, title_like
from mitigraph.importer.reading import PageText
from mitigraph.importer.records import (
    FacetChoice,
    Line,
    NistTags,
    PageHead,
    ParsedPage,
    SourceBlock,
)
from mitigraph.importer.reference import ReferenceTerms, normalised
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION

ALSO_IN = "Also in "
REASONING = "Reasoning"
NIST_TAGS = re.compile(
    r"^(?P<text>.*?)\s*\[NIST GenAI risks: (?P<risks>[^\]]*)\]"
    r"\s*\|\s*\[NIST AI Actor tasks: (?P<tasks>[^\]]*)\]$"
)
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
    heading, items, source, tail = read_listing(rest, glued, terms=terms, log=log, incomplete=cut is not None)
    if source is not None and cut is not None and closing is None and source.abstract:
        source = _without_abstract(source)
    return ParsedPage(
        path=text.path,
        page_id=text.page_id,
        head=head,
        heading=heading,
        items=items,
        source=source,
        facets=_facets(lines, closing) if closing is not None else (),
        cut_line=cut,
        cut_in_record_text=cut is not None and rest_start >= body_end and REASONING not in texts(lines),
        tail=tail,
    )


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


def _without_abstract(source: SourceBlock) -> SourceBlock:
    """The source block of a page that stops inside the abstract: the abstract's end is unknown, so none."""
    return SourceBlock(
        title=source.title,
        line=source.line,
        authors=source.authors,
        year=source.year,
        authors_line=source.authors_line,
    )


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
    record_text, nist = _nist_tags(list(lines[start:text_end]))
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


def _nist_tags(text: list[Line]) -> tuple[list[Line], NistTags | None]:
    """Split NIST tags off the end of the record's text."""
    if not text:
        return text, None
    match = NIST_TAGS.match(text[-1].text)
    if match is None:
        return text, None
    tags = NistTags(
        risks=tuple(risk.strip() for risk in match["risks"].split(";") if risk.strip()),
        actor_tasks=tuple(task.strip() for task in match["tasks"].split(",") if task.strip()),
        line=text[-1].number,
    )
    before = match["text"].strip()
    return text[:-1] + ([Line(text[-1].number, before)] if before else []), tags


def texts(lines: Sequence[Line]) -> set[str]:
    return {line.text for line in lines}
