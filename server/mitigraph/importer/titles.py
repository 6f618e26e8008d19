"""Item titles as pages write them: `A > B` nests B under A, and a title may start with a section number."""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})*)\.? +(?P<label>\S.*)$")
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class TitlePart:
    """One step of a title path: its label and the section number written before it, if any."""

    label: str
    section_number: str | None = None

    @property
    def written(self) -> str:
        """The step as the page writes it, section number included (item IRIs are minted from this)."""
        return f"{self.section_number} {self.label}" if self.section_number else self.label


def title_path(title: str) -> list[TitlePart]:
    """`Capability Limitation Mitigations > 2.1 Data Filtering` -> two parts, the second numbered 2.1."""
    return [_part(part.strip()) for part in title.split(PATH_SEPARATOR)]


def _part(text: str) -> TitlePart:
    match = SECTION_NUMBER.match(text)
    if match is None:
        return TitlePart(label=text)
    return TitlePart(label=match["label"], section_number=match["number"])
