"""Split the text of a navigator page into its fixed opening parts and the rest.

The opening is the same on every page: two banner lines, the description of the record's category, an
optional `Also in <parent>` line, the record's text (zero or more paragraphs), `Reasoning` and one sentence.
What follows (listed items, source, facets) needs the taxonomy to read; see `page_layout`.
"""

from __future__ import annotations

import re
from pathlib import Path

from mitigraph.importer.errors import PageFormatError
from mitigraph.importer.model import Line, PageHead

BANNERS = ("This page is still being polished", "Data on this page is preliminary")
ALSO_IN = "Also in "
REASONING = "Reasoning"
PAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def page_id_of(path: Path) -> str:
    """The page id is the file name without its extension; it becomes part of IRIs, so it must be tame."""
    stem = Path(path).stem
    if not PAGE_ID.match(stem):
        raise PageFormatError(
            path,
            None,
            "a file name of letters, digits, '_', '-' or '.' (the name is the page id used in IRIs)",
        )
    return stem


def read_lines(path: Path) -> list[Line]:
    """The page's non-blank lines, stripped, with their line numbers in the file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PageFormatError(path, None, f"UTF-8 text (byte {error.start} cannot be decoded)") from error
    except OSError as error:
        raise PageFormatError(path, None, f"a readable file ({error.strerror})") from error
    return [Line(number, raw.strip()) for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]


def split_head(path: Path, lines: list[Line]) -> tuple[PageHead, list[Line]]:
    """The page's opening parts, and the lines after the reasoning sentence."""
    for index, banner in enumerate(BANNERS):
        if len(lines) <= index or not lines[index].text.startswith(banner):
            line = lines[index].number if len(lines) > index else None
            raise PageFormatError(path, line, f'the banner line "{banner}..." (line {index + 1} of a page)')
    if len(lines) < 3 or lines[2].text == REASONING or lines[2].text.startswith(ALSO_IN):
        line = lines[2].number if len(lines) > 2 else None
        raise PageFormatError(path, line, "the description of the record's category after the banner lines")
    start = 3
    also_in = None
    if len(lines) > 3 and lines[3].text.startswith(ALSO_IN):
        also_in, start = lines[3], 4
    reasoning_at = next((i for i in range(start, len(lines)) if lines[i].text == REASONING), None)
    if reasoning_at is None:
        raise PageFormatError(
            path, lines[-1].number, f'a line "{REASONING}" followed by the reasoning sentence'
        )
    if reasoning_at + 1 >= len(lines):
        raise PageFormatError(path, lines[reasoning_at].number, f'the reasoning sentence after "{REASONING}"')
    head = PageHead(
        category_description=lines[2],
        also_in=also_in,
        record_text=tuple(lines[start:reasoning_at]),
        reasoning=lines[reasoning_at + 1],
    )
    return head, lines[reasoning_at + 2 :]


def also_in_name(head: PageHead) -> str | None:
    return head.also_in.text[len(ALSO_IN) :].strip() if head.also_in is not None else None
