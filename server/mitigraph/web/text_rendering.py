"""Record texts as a reader should see them: paragraphs and lists, not the wall of text a saved page leaves.

The navigator's texts keep artefacts of the documents they were copied from: bullets run inline ("include:
● Supervised Fine-Tuning ... ● Reinforcement Learning ..."), Markdown escapes before list markers ("1\\.
Robustness Challenges", "\\- Audits may ..."), numbered clauses ("2\\. ... 2.1 ... 2.2 ..."). `text_blocks`
reads one text into blocks (paragraphs, bulleted lists, numbered lists) with the escape backslashes removed;
the graph keeps the page's words as they were, this is rendering only. The blocks are plain strings: the
templates escape them like any other value, so no markup in a text ever reaches a page as markup.

Each step is one left-to-right pass over the text with patterns that never backtrack far (bounded
repetitions, one character class per position), so a text costs time in proportion to its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE_BREAK = re.compile(r"\s*\n\s*")
"""Texts separate paragraphs with line breaks (one or two)."""
BULLET = re.compile(r"(?:^|(?<=\s))(?:[●•▪◦‣]|\\[-*+])\s+")
"""A bullet as the sources leave it inline: a bullet character, or a Markdown-escaped `-`, `*` or `+`.
A plain hyphen between spaces is punctuation ("a tech company - a hacker"), never a bullet."""
NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,3})(?:\.(\d{1,3}))?(\\?\.)?\s+(?=[A-Z“\"‘'(\[])")
"""A numbered item's marker: `1.`, `1\\.` (escaped), `2.1` or `2.1.`, before a capitalised word."""
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'])")
"""A Markdown backslash escape of ASCII punctuation: the punctuation is what the document says."""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    text: str
    marker: str = ""
    """The item's number as the text writes it ("1.", "2.1"), or "" for a bullet."""


@dataclass(frozen=True)
class TextList:
    items: tuple[ListItem, ...]
    ordered: bool


Block = Paragraph | TextList


def text_blocks(text: str) -> tuple[Block, ...]:
    """The paragraphs and lists of `text`, escape backslashes removed; () for an empty text."""
    blocks: list[Block] = []
    for line in LINE_BREAK.split(text):
        paragraph = " ".join(line.split())
        if paragraph:
            blocks += _bulleted(paragraph) or _numbered(paragraph) or [Paragraph(unescape(paragraph))]
    return tuple(blocks)


def unescape(text: str) -> str:
    """`text` without Markdown's escape backslashes (`1\\.` -> `1.`, `\\-` -> `-`, `\\\\` -> `\\`)."""
    return ESCAPE.sub(r"\1", text)


def _bulleted(paragraph: str) -> list[Block]:
    """A lead paragraph (if any) and the bulleted list, or [] when the paragraph has no bullet."""
    lead, *items = BULLET.split(paragraph)
    if not items:
        return []
    listed = tuple(ListItem(unescape(item.strip())) for item in items if item.strip())
    return _with_lead(lead, TextList(listed, ordered=False))


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    number: tuple[int, ...]
    written: str
    escaped: bool


def _numbered(paragraph: str) -> list[Block]:
    """A lead paragraph (if any) and the numbered list, or [] when no run of numbers is found.

    A run starts at an escaped marker (`1\\.`: the document's own list) or at `1.`, and continues with the
    next number (`2.`) or the first clause under the current one (`1.1`); numbers that do not continue the
    run stay in the text ("within 2. The"). A run of one item counts only when it was escaped.
    """
    run: list[_Marker] = []
    for found in NUMBER.finditer(paragraph):
        marker = _marker(found)
        if marker is None:
            continue
        if run and marker.number in _next_numbers(run[-1].number):
            run.append(marker)
        elif not run and (marker.escaped or marker.number == (1,)):
            run = [marker]
    if not run or (len(run) == 1 and not run[0].escaped):
        return []
    ends = [marker.start for marker in run[1:]] + [len(paragraph)]
    items = tuple(
        ListItem(unescape(paragraph[marker.end : end].strip()), marker=marker.written)
        for marker, end in zip(run, ends, strict=True)
    )
    return _with_lead(paragraph[: run[0].start], TextList(items, ordered=True))


def _marker(found: re.Match[str]) -> _Marker | None:
    """The marker a match stands for; None for a bare top-level number (`3 Things`: not a marker)."""
    top, clause, dot = found.group(1), found.group(2), found.group(3)
    if clause is None and dot is None:
        return None
    number = (int(top),) if clause is None else (int(top), int(clause))
    written = ".".join(str(part) for part in number) + ("." if clause is None else "")
    return _Marker(found.start(), found.end(), number, written, escaped=bool(dot and dot.startswith("\\")))


def _next_numbers(number: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """What may follow `number` in a run: the next number, or the first clause under it / the next clause."""
    if len(number) == 1:
        return ((number[0] + 1,), (number[0], 1))
    return ((number[0], number[1] + 1), (number[0] + 1,))


def _with_lead(lead: str, listed: TextList) -> list[Block]:
    lead = lead.strip()
    blocks: list[Block] = [Paragraph(unescape(lead))] if lead else []
    return [*blocks, listed] if listed.items else blocks
