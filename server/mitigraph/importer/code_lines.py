"""Read a `<code> <category name><next text>` line, where the name runs straight into what follows.

Pages glue an item's category name to the next title (`2.4.1 Research & FoundationsDevelop ...`), so the
name's end has to be found. Known names are tried first, longest first, and must be followed by no space
and no lower-case letter (a title starts a new word); that keeps `1.1 Model weights ...` (a text that starts
with a number) from being read as code 1.1. A name the taxonomy does not know ends where a lower-case letter
meets an upper-case letter, digit or quote with nothing between them, and must read like a name (title-case
words, at most a few). Anything else is text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mitigraph.importer.taxonomy_match import ReferenceTerms

CODE_PREFIX = re.compile(r"^(?P<code>\d+(?:\.\d+)*) (?P<rest>\S.*)$")
GLUE = re.compile(r"[a-z)](?=[A-Z0-9“‘\"])")
"""Where an unknown category name ends: the glued boundary between its last word and the next text."""
MAX_NAME_WORDS = 6
NAME_LINK_WORDS = frozenset({"&", "and", "or", "of", "for", "the", "in", "on", "to", "with"})


@dataclass(frozen=True)
class CodeLine:
    """A category code line: its code, the name the page shows and the text glued after the name."""

    code: str
    name: str
    rest: str
    note: str | None = None
    """A decision taken on its own while reading this line, reported as a warning when the line is used."""


def read_code_line(text: str, terms: ReferenceTerms, *, followed_by: Sequence[str] = ()) -> CodeLine | None:
    """The code line `text` is, or None when it is text (a title or description that may start with a number).

    `followed_by` lists texts that may follow the name on this line (the lifecycle stage names, for a last
    item whose code runs into the facets); they help find the end of a name the taxonomy does not know.
    """
    match = CODE_PREFIX.match(text)
    if match is None:
        return None
    code, rest = match["code"], match["rest"]
    known = terms.category(code)
    if known is not None and known.name and _glued(rest, known.name):
        return CodeLine(code=code, name=known.name, rest=rest[len(known.name) :])
    other = _known_name_at_start(rest, terms)
    if other is not None:
        note = None
        if known is not None and known.name:
            note = f"code {code} is {known.name!r} in the taxonomy but the page names it {other!r}; code kept"
        return CodeLine(code=code, name=other, rest=rest[len(other) :], note=note)
    if known is not None and known.name:
        return None
    split = split_unknown_name(rest, followed_by=followed_by)
    if split is None:
        return None
    name, after = split
    return CodeLine(code=code, name=name, rest=after)


def unread_code_line_note(text: str, terms: ReferenceTerms) -> str | None:
    """For a line read as text that nevertheless looks like `<known code> <some name><title>`: say so."""
    match = CODE_PREFIX.match(text)
    if match is None:
        return None
    known = terms.category(match["code"])
    if known is None or not known.name or split_unknown_name(match["rest"]) is None:
        return None
    return (
        f"starts with code {known.code} but not with its name {known.name!r}; read as text "
        "(a title or description that begins with a number)"
    )


def split_unknown_name(rest: str, *, followed_by: Sequence[str] = ()) -> tuple[str, str] | None:
    """Split `rest` into (name, following text) for a name the taxonomy does not know, or None."""
    for following in sorted(followed_by, key=len, reverse=True):
        if rest.endswith(following) and len(rest) > len(following):
            name = rest[: -len(following)]
            if _name_like(name):
                return name, following
    glue = GLUE.search(rest)
    if glue is None:
        return None
    name = rest[: glue.end()]
    return (name, rest[glue.end() :]) if _name_like(name) else None


def _glued(rest: str, name: str) -> bool:
    """True when `rest` starts with `name` and the next text follows without a space, as pages glue them."""
    if not rest.startswith(name):
        return False
    if len(rest) == len(name):
        return True
    following = rest[len(name)]
    return not following.isspace() and not following.islower()


def _known_name_at_start(rest: str, terms: ReferenceTerms) -> str | None:
    for name in terms.category_names_longest_first():
        if _glued(rest, name):
            return name
    return None


def _name_like(name: str) -> bool:
    """A category name: a few title-case words (`Public Engagement`, `Guardrails & Filtering`)."""
    words = name.split(" ")
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    return all(word and (word[0].isupper() or word[0].isdigit() or word in NAME_LINK_WORDS) for word in words)
