"""What a person types into a search, read as a safe SQLite FTS5 query, and the matches FTS5 marks turned
into HTML; the limits on what a search or a filter may ask.

Every word is quoted before FTS5 sees it, so nothing a person types is read as FTS5 syntax (AND, NEAR,
column filters, `^`); the only syntax a person has is "a phrase" and a trailing `*` for a prefix.
"""

from __future__ import annotations

import re

from markupsafe import escape

MAX_QUERY_CHARACTERS = 200
MAX_QUERY_TERMS = 16
MAX_FILTER_VALUES = 20
"""Values of one filter a request may combine (with OR)."""
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
"""Sentinels FTS5 puts around matches, turned into <mark> after the text is HTML-escaped; the texts are
written without them (`without_marks`), so only FTS5 can put them there."""

_PIECES = re.compile(r'"([^"]*)"?|(\S+)')
_WORDS = re.compile(r"\w+")


class CatalogueQueryError(ValueError):
    """A search or filter the catalogue cannot answer; the message names the parameter and the problem."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.problem = message
        super().__init__(f"{parameter}: {message}")


def fts_query(text: str) -> str | None:
    """A person's search as an FTS5 query, or None when it has no words.

    Words are ANDed; "a phrase" stays a phrase; a trailing `*` asks for a prefix; punctuation breaks words,
    so `fine-tuning` is the phrase "fine tuning" and finds what `fine tuning` finds. One linear pass over at
    most MAX_QUERY_CHARACTERS; more raises CatalogueQueryError("q", ...), as do more than MAX_QUERY_TERMS
    words or phrases.
    """
    if len(text) > MAX_QUERY_CHARACTERS:
        raise CatalogueQueryError("q", f"at most {MAX_QUERY_CHARACTERS} characters, got {len(text)}")
    terms = []
    for piece in _PIECES.finditer(text):
        phrase, word = piece.groups()
        words = _WORDS.findall(phrase if phrase is not None else word)
        if words:
            prefix = "*" if phrase is None and word.endswith("*") else ""
            terms.append('"' + " ".join(words) + '"' + prefix)
    if len(terms) > MAX_QUERY_TERMS:
        raise CatalogueQueryError("q", f"at most {MAX_QUERY_TERMS} words or phrases, got {len(terms)}")
    return " AND ".join(terms) or None


def without_marks(text: str) -> str:
    """`text` with the match sentinels replaced by spaces (what the index stores)."""
    return text.replace(MARK_OPEN, " ").replace(MARK_CLOSE, " ")


def marked_html(text: str) -> str:
    """Text escaped as the pages' templates escape it (markupsafe), with FTS5's match sentinels as <mark>
    elements."""
    return str(escape(text)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
