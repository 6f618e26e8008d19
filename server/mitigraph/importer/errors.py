"""What can go wrong when reading a navigator page, said so that a curator knows where to look."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer decided or learnt that a curator should check; never silent, never fatal."""

    page: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line is not None else str(self.page)
        return f"{where}: {self.message}"


class WarningLog:
    """Collects the warnings of one page, so that every parsing step can report what it decided."""

    def __init__(self, page: Path) -> None:
        self._page = page
        self._warnings: list[ImportWarning] = []

    def warn(self, line: int | None, message: str) -> None:
        self._warnings.append(ImportWarning(page=self._page, line=line, message=message))

    @property
    def warnings(self) -> tuple[ImportWarning, ...]:
        return tuple(self._warnings)
