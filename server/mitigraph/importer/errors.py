"""What can go wrong when reading a navigator page, said so that a curator knows where to look.

A file that is not a navigator page at all raises `PageFormatError`; everything else the importer decides
on its own is an `ImportWarning` of a named kind, so that a batch of thousands of pages can be summed up
kind by kind instead of line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


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
    NIST_TAG = "NIST tag"
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
    """Collects the warnings of one page, so that every parsing step can report what it decided."""

    def __init__(self, page: Path) -> None:
        self._page = page
        self._warnings: list[ImportWarning] = []

    def warn(self, kind: WarningKind, line: int | None, message: str) -> None:
        self._warnings.append(ImportWarning(page=self._page, line=line, message=message, kind=kind))

    @property
    def warnings(self) -> tuple[ImportWarning, ...]:
        return tuple(self._warnings)
