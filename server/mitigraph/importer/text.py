"""The saved text of a navigator page: is it a page at all, its lines and id, and what can go wrong.

Only the fixed opening decides whether a file is a navigator page: two banner lines and a third line (the
description of the record's category). Everything after it may be cut off or unusual, and is the layout's
business. A file that is not a page raises `PageFormatError`; every other decision the importer takes on
its own is an `ImportWarning` of a named kind, so that a batch of thousands of pages can be summed up kind
by kind instead of line by line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

BANNERS = ("This page is still being polished", "Data on this page is preliminary")
PAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NAVIGATOR_ID = re.compile(r"^A\d+$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_SPACES = re.compile(r"\s+")
MIN_JOIN_TEXT = 40
"""A text shorter than this (in characters) is too plain to say that two pages show the same thing."""


class PageFormatError(Exception):
    """The file is not a navigator page the importer can read: names file, line and what was expected.

    Raised before anything is written, so a failed import never leaves a partial result behind.
    """

    def __init__(self, path: Path, line: int | None, expected: str) -> None:
        self.path = Path(path)
        self.line = line
        self.expected = expected
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: not a navigator page as expected: {expected}")


class WarningKind(Enum):
    """The kinds of decision a curator may want to review, each with the words the summary uses."""

    TRUNCATED = "page stops early"
    NO_RECORD_TEXT = "no record text"
    NO_REASONING = "no reasoning"
    NO_SOURCE = "source not shown"
    SOURCE_FOUND_BY_JOIN = "source found through other pages"
    SOURCE_INCOMPLETE = "incomplete source block"
    ABSTRACT_DOUBT = "abstract may be another document's"
    HEADING = "heading line"
    UNREAD_LINES = "lines not understood"
    NUMBERED_TEXT = "text that starts like a code"
    UNTITLED_ITEM = "item without a title"
    PLACEHOLDER = "placeholder parent"
    CATEGORY_LEARNT = "category learnt"
    CATEGORY_UNPLACED = "category description not placed"
    CATEGORY_CONFLICT = "category conflict"
    FACET_VALUE = "facet value"
    SAME_RECORD = "record found on other pages"


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer decided or learnt that a curator should check; never silent, never fatal."""

    page: Path
    line: int | None
    message: str
    kind: WarningKind

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line is not None else str(self.page)
        return f"{where}: {self.message}"


class WarningLog:
    """Collects the warnings of one page, so that every step can report what it decided about it."""

    def __init__(self, page: Path) -> None:
        self._page = page
        self._warnings: list[ImportWarning] = []

    def warn(self, kind: WarningKind, line: int | None, message: str) -> None:
        self._warnings.append(ImportWarning(page=self._page, line=line, message=message, kind=kind))

    @property
    def warnings(self) -> tuple[ImportWarning, ...]:
        return tuple(self._warnings)


@dataclass(frozen=True)
class Line:
    """One non-blank line of a page and its 1-based line number in the file."""

    number: int
    text: str


@dataclass(frozen=True)
class PageText:
    """A navigator page's non-blank lines (stripped, numbered as in the file) and its page id."""

    path: Path
    page_id: str
    lines: tuple[Line, ...]


def normalised(text: str) -> str:
    """The form in which two spellings of one name or text compare equal (quotes, spacing, case folded)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip().casefold()


def paragraphs(texts: Sequence[str]) -> tuple[str, ...]:
    """The non-blank texts, normalised: how two pages' paragraphs are compared."""
    return tuple(normalised(text) for text in texts if text.strip())


def same_text(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Two texts of whole paragraphs, one the start of the other, long enough to tell them apart."""
    shorter = min(len(one), len(other))
    if shorter == 0 or one[:shorter] != other[:shorter]:
        return False
    return sum(len(paragraph) for paragraph in one[:shorter]) >= MIN_JOIN_TEXT


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
