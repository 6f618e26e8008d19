"""What a public, read-only endpoint refuses before any query runs.

Oxigraph is the parser of record: it reports syntax errors. This module only spots bare SPARQL keywords
that would change the store (SPARQL Update) or make the engine read a URL or a file (SERVICE, FROM,
FROM NAMED, LOAD), because Oxigraph would follow SERVICE to the network. The scan is lexical: comments,
strings, IRIs, variables, prefixed names, blank-node labels and language tags are skipped, so a keyword
inside any of them is not mistaken for a keyword of the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACCESS_KEYWORDS = ("SERVICE", "FROM", "LOAD")
"""Keywords that read data from outside the store: refused with 400."""
UPDATE_KEYWORDS = ("INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING")
"""Keywords found only in SPARQL Update: refused with 403."""

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<long_string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<blank_node>_:[\w.\-\u00b7]*)
    | (?P<language_tag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<prefixed_name>(?:[^\W\d_][\w.\-\u00b7]*)?:(?:[\w:%\\.\-\u00b7]|%[0-9A-Fa-f]{2})*)
    | (?P<word>[^\W\d_]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Refusal:
    """Why a query is refused: the HTTP status and a message for the user."""

    status: int
    message: str


def keywords(query: str) -> list[str]:
    """The bare keywords (upper-cased) of a query text, in order, outside comments, strings and names."""
    found = []
    for match in _TOKEN.finditer(query):
        if match.lastgroup == "word":
            found.append(match.group().upper())
    return found


def refusal_for(query: str) -> Refusal | None:
    """The refusal a query earns, or None when it may run.

    SPARQL lets `\\uXXXX` escapes stand for any character before parsing, so the text is scanned both as
    sent and with escapes resolved; a keyword spelt either way is refused.
    """
    found = set(keywords(query)) | set(keywords(_resolve_codepoint_escapes(query)))
    access = [word for word in ACCESS_KEYWORDS if word in found]
    if access:
        return Refusal(
            400,
            f"{', '.join(access)} is not allowed here: this endpoint only queries its own graph "
            "and never reads other URLs, services or files",
        )
    update = [word for word in UPDATE_KEYWORDS if word in found]
    if update:
        return Refusal(403, f"SPARQL Update ({', '.join(update)}) is not allowed: this endpoint is read-only")
    return None


def _resolve_codepoint_escapes(text: str) -> str:
    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT_ESCAPE.sub(character, text)
