"""Read the saved text of a navigator page: its lines, its id, and whether it is a navigator page at all.

Only the fixed opening decides that: two banner lines and a third line (the description of the record's
category). Everything after it may be cut off or unusual, and is the layout's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mitigraph.importer.errors import PageFormatError
from mitigraph.importer.records import Line

BANNERS = ("This page is still being polished", "Data on this page is preliminary")
PAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NAVIGATOR_ID = re.compile(r"^A\d+$")


@dataclass(frozen=True)
class PageText:
    """A navigator page's non-blank lines (stripped, numbered as in the file) and its page id."""

    path: Path
    page_id: str
    lines: tuple[Line, ...]


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


def navigator_id(page_id: str) -> str | None:
    """`A2244` names a navigator record; other page ids (saved files) do not."""
    return page_id if NAVIGATOR_ID.match(page_id) else None


def read_page_text(path: Path) -> PageText:
    """The page's lines; raises PageFormatError for a file that is not a navigator page."""
    path = Path(path)
    page_id = page_id_of(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PageFormatError(path, None, f"UTF-8 text (byte {error.start} cannot be decoded)") from error
    except OSError as error:
        raise PageFormatError(path, None, f"a readable file ({error.strerror})") from error
    lines = tuple(
        Line(number, raw.strip()) for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()
    )
    for index, banner in enumerate(BANNERS):
        if len(lines) <= index or not lines[index].text.startswith(banner):
            line = lines[index].number if len(lines) > index else None
            raise PageFormatError(path, line, f'the banner line "{banner}..." (line {index + 1} of a page)')
    if len(lines) < 3:
        raise PageFormatError(
            path, lines[-1].number, "the description of the record's category after the banner lines"
        )
    return PageText(path=path, page_id=page_id, lines=lines)
