"""What a public, read-only endpoint refuses before a query process sees the query, and why.

This is the layer of clear messages, not the security boundary: the query processes are sandboxed
(`mitigraph.sandbox`), so a query that slips past this scan still cannot reach the network or write.
Oxigraph is the parser of record; this module reads the query text once, with a small tokenizer, for:

- keywords that would make the engine read a URL or a file (SERVICE, FROM, FROM NAMED, LOAD: 400) or
  change the store (SPARQL Update: 403);
- nesting deeper than the limit (400): brackets, braces and runs of prefix operators (`!`, `-`, `+`, `^`)
  nest Oxigraph's recursive parser and evaluator, and thousands of levels overflow its stack.

The tokenizer is linear in the text: every token is matched once, at its start, by a pattern whose
repetitions are possessive, and a string or IRI that never closes ends at the end of its line (strings)
or of the text (long strings) instead of being tried again from the next character. The only pattern
that can fail after reading ahead is the IRI, and it stops at the next `<`, so no character is read
ahead twice.

Where it can, it reads the text as Oxigraph does: keywords need no space around them (Oxigraph reads
`SERVICESILENT<...>` as `SERVICE SILENT <...>`), so a keyword inside any bare word counts; `<` after an
operand inside an expression is "less than", not the start of an IRI that would hide what follows; a
prefixed name whose prefix holds SERVICE and that is followed by `{` is read as SERVICE. SPARQL 1.1 also
lets `\\uXXXX` escapes stand for any character before parsing (Oxigraph only resolves them inside
strings and IRIs), so the text is read both as sent and with escapes resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ACCESS_KEYWORDS = ("SERVICE", "FROM", "LOAD")
"""Keywords that read data from outside the store: refused with 400."""
UPDATE_KEYWORDS = ("INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING")
"""Keywords that start a SPARQL Update operation: refused with 403."""

_NAME_CHARS = r"\w\u00b7\u0300-\u036f\u203f\u2040"
_TOKEN_PATTERNS = {
    "space": r"[ \t\r\n]++",
    "open": r"[({\[]++",
    "close": r"[)}\]]++",
    "prefix": r"[!+\-^]++",
    "name": rf"(?:[^\W\d]|:)(?:[{_NAME_CHARS}:%.\-]++|\\[_~.\-!$&'()*+,;=/?#@%])*+",
    "variable": rf"[?$][{_NAME_CHARS}]++",
    "long_string": r"'''(?:[^'\\]++|\\.?|'(?!''))*+(?:''')?" + r'|"""(?:[^"\\]++|\\.?|"(?!""))*+(?:""")?',
    "string": r"'(?:[^'\\\r\n]++|\\.?)*+'?" + r'|"(?:[^"\\\r\n]++|\\.?)*+"?',
    "iri": r"<[^<>\"{}|^`\x00-\x20]*+>",
    "number": r"\d*+\.\d++(?:[eE][+-]?+\d++)?+|\d++(?:[eE][+-]?+\d++)?+",
    "language": r"@[A-Za-z]++(?:-[A-Za-z0-9]++)*+",
    "comment": r"\#[^\r\n]*+",
    "other": rf"(?:[^\w\s'\"<#?$@(){{}}\[\]!+\-^:.]|[?$](?![{_NAME_CHARS}]))++|.",
}
"""One pattern per kind of token, tried in this order at the start of each token. Each consumes at least
one character and never gives back what it matched (possessive `*+` and `++`), so none is retried."""
_WITH_IRI = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _TOKEN_PATTERNS.items()), re.S)
_WITHOUT_IRI = re.compile(
    "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _TOKEN_PATTERNS.items() if kind != "iri"), re.S
)
_ACCESS_IN_A_WORD = re.compile("|".join(ACCESS_KEYWORDS))
_UPDATE_STARTING_A_WORD = re.compile(rf"(?<!\w)(?:{'|'.join(UPDATE_KEYWORDS)})")
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_OPERAND, _OPEN, _WORD_TOKEN, _OTHER, _PREFIX = "operand", "open", "word", "other", "prefix"
"""What the last significant token was, as far as the next one cares."""
_EXPRESSION, _COLLECTION = "(expression", "(collection"
"""What an open `(` starts: the parentheses of an expression (where `<` after an operand is "less than"),
or an RDF collection in a triple pattern (where `<` starts an IRI)."""


@dataclass(frozen=True)
class Refusal:
    """Why a query is refused: the HTTP status and a message for the user."""

    status: int
    message: str


@dataclass
class Reading:
    """What one reading of a query text found: its bare keywords and its deepest nesting."""

    keywords: set[str] = field(default_factory=set)
    depth: int = 0


def refusal_for(query: str, *, max_depth: int) -> Refusal | None:
    """The refusal a query earns, or None when it may go to a query process."""
    if not may_be_refused(query, max_depth=max_depth):
        return None
    return tokenized_refusal(query, max_depth=max_depth)


def tokenized_refusal(query: str, *, max_depth: int) -> Refusal | None:
    """`refusal_for` without the quick pre-check: the tokenizer reads the whole text."""
    reading = read(query)
    if "\\u" in query or "\\U" in query:
        resolved = read(_resolve_codepoint_escapes(query))
        reading = Reading(reading.keywords | resolved.keywords, max(reading.depth, resolved.depth))
    access = [word for word in ACCESS_KEYWORDS if word in reading.keywords]
    if access:
        return Refusal(
            400,
            f"{', '.join(access)} is not allowed here: this endpoint only queries its own graph "
            "and never reads other URLs, services or files",
        )
    update = [word for word in UPDATE_KEYWORDS if word in reading.keywords]
    if update:
        return Refusal(403, f"SPARQL Update ({', '.join(update)}) is not allowed: this endpoint is read-only")
    if reading.depth > max_depth:
        return Refusal(
            400,
            f"the query nests brackets, braces or prefix operators {reading.depth} deep; the most this "
            f"endpoint evaluates is {max_depth} (--max-query-depth)",
        )
    return None


def read(text: str) -> Reading:
    """Read a query text once, left to right, in time linear in its length.

    One loop over the tokens with its state in local variables: at 256 KiB of single-character tokens,
    every call saved per token is a measurable part of the time a refusal takes.
    """
    found = Reading()
    stack: list[str] = []
    braces = prefix_run = 0
    previous, previous_word, word_before = _OTHER, "", ""
    service_name = False
    position, end = 0, len(text)
    with_iri, without_iri = _WITH_IRI.match, _WITHOUT_IRI.match
    while position < end:
        less_than_here = previous is _OPERAND and stack and stack[-1] is _EXPRESSION
        match = (without_iri if less_than_here else with_iri)(text, position)
        assert match is not None, "the `other` pattern matches any character"
        kind, position = match.lastgroup, match.end()
        if kind == "space" or kind == "comment":
            continue
        after_service_name, service_name = service_name, False
        word = ""
        if kind == "open":
            for character in match.group():
                if character == "(":
                    context = _parenthesis(stack, braces, previous, previous_word, word_before)
                else:
                    context = character
                    braces += character == "{"
                    if after_service_name and character == "{":
                        found.keywords.add("SERVICE")
                stack.append(context)
                previous, previous_word, word_before, after_service_name = _OPEN, "", previous_word, False
            found.depth = max(found.depth, len(stack))
            current = _OPEN
        elif kind == "close":
            for _ in range(min(len(stack), position - match.start())):
                braces -= stack.pop() == "{"
            current = _OTHER if text[position - 1] == "}" else _OPERAND
        elif kind == "prefix" and (position - match.start() > 1 or previous is not _OPERAND):
            prefix_run += position - match.start() - (previous is _OPERAND)
            found.depth = max(found.depth, len(stack) + prefix_run)
            previous, previous_word, word_before = _PREFIX, "", previous_word
            continue
        elif kind == "name":
            name = match.group().rstrip(".")
            position = match.start() + len(name)
            current, word, service_name = _name(name, found.keywords)
        elif kind == "prefix" or kind == "other":
            current = _OTHER
        else:
            current = _OPERAND
        prefix_run = 0
        previous, previous_word, word_before = current, word, previous_word
    return found


def _parenthesis(stack: list[str], braces: int, previous: str, previous_word: str, word_before: str) -> str:
    """Whether an open `(` starts an expression (after FILTER, BIND, a function name ...) or a collection."""
    if stack and stack[-1] is _EXPRESSION:
        return _EXPRESSION
    if previous is _WORD_TOKEN and previous_word != "A":
        return _EXPRESSION
    if previous is _OPERAND and word_before == "FILTER":
        return _EXPRESSION
    return _EXPRESSION if braces == 0 else _COLLECTION


def _name(name: str, keywords: set[str]) -> tuple[str, str, bool]:
    """A bare word or a prefixed name: (what it is, the word upper-cased, whether it may stand for SERVICE).

    Keywords glue to each other in Oxigraph's grammar, so a keyword anywhere in a bare word counts; a
    prefixed name whose prefix holds SERVICE reads as SERVICE when `{` follows.
    """
    if ":" in name:
        return _OPERAND, "", "SERVICE" in name.split(":", 1)[0].upper()
    upper = name.upper()
    keywords.update(_ACCESS_IN_A_WORD.findall(upper))
    keywords.update(_UPDATE_STARTING_A_WORD.findall(upper))
    if name in ("true", "false"):
        return _OPERAND, "", False
    return _WORD_TOKEN, upper, False


def _resolve_codepoint_escapes(text: str) -> str:
    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT_ESCAPE.sub(character, text)


_KEYWORD = re.compile("|".join((*ACCESS_KEYWORDS, *UPDATE_KEYWORDS)))
"""Any keyword anywhere, matched against the upper-cased text: most queries hold none at all."""
_WORD_CHARACTERS = rf"[{_NAME_CHARS}:%.\-]"
"""What a name token is made of (but for escapes): a bare word or a prefixed name lies inside one run of
these, a "word" here; a keyword's letters are all among them, so every keyword sits inside one word."""
_WORD = re.compile(f"{_WORD_CHARACTERS}+")
_WORD_REST = re.compile(f"{_WORD_CHARACTERS}*")
_VARIABLE_NAME = re.compile(f"[{_NAME_CHARS}]+")
_NAME_START = re.compile(r"[^\W\d]|:")
_NESTING_CHARACTERS = "({[!+-^"


def may_be_refused(query: str, *, max_depth: int) -> bool:
    """Whether `refusal_for` could refuse this text; False only when it certainly would not.

    A cheap, sound over-approximation that spares the tokenizer almost every query. The depth the
    tokenizer finds is at most the count of brackets and prefix operators. It finds keywords only in name
    tokens, and every name token lies inside one word (a run of the characters names are made of): so
    only a word holding a keyword is looked at, and its start decides how the tokenizer reads it
    (`_word_may_refuse`). A codepoint escape can hide anything, so a backslash always means "maybe".
    """
    if "\\" in query or sum(map(query.count, _NESTING_CHARACTERS)) > max_depth:
        return True
    upper = query.upper()
    if _KEYWORD.search(upper) is None:
        return False
    if len(upper) != len(query):
        words = _WORD.finditer(query)
        return any(_word_may_refuse(query, word.start(), word.end(), checked=False) for word in words)
    return _keyword_word_may_refuse(query, upper)


def _keyword_word_may_refuse(query: str, upper: str) -> bool:
    """Look at each word that holds a keyword in `upper`, where every character of `query` upper-cases to
    exactly one (so positions match, and what upper-cases to a keyword's letters is letters)."""
    backwards, length = query[::-1], len(query)
    position = 0
    while (keyword := _KEYWORD.search(upper, position)) is not None:
        start = length - _word_end(backwards, length - keyword.start())
        position = _word_end(query, keyword.end())
        if _word_may_refuse(query, start, position, checked=True):
            return True
    return False


def _word_end(text: str, position: int) -> int:
    """Where the run of word characters from `position` on ends (`position` itself when there is none)."""
    run = _WORD_REST.match(text, position)
    assert run is not None, "a pattern that may match nothing always matches"
    return run.end()


def _word_may_refuse(query: str, start: int, end: int, *, checked: bool) -> bool:
    """Whether the tokenizer could find a keyword in the word `query[start:end]` (`checked`: it is known
    to hold one, upper-cased).

    No name token spans the character before a word, so either the word lies inside a string, an IRI or a
    comment (no keyword there, whatever this answers) or its first character starts a token. After `?` or
    `$`, a word of name characters only is one variable. A word starting a name (a letter, `_` or `:`) is
    one name token, but for trailing dots, read here exactly as `_name` reads it. Any other word (after
    `@`, starting with a digit, `-`, `%` ...) may split into several tokens: "maybe".
    """
    word = query[start:end]
    if not checked and _KEYWORD.search(word.upper()) is None:
        return False
    before = query[start - 1] if start else ""
    if before == "?" or before == "$":
        return _VARIABLE_NAME.fullmatch(word) is None
    if before == "@" or _NAME_START.match(word) is None:
        return True
    name = word.rstrip(".")
    if ":" in name:
        return "SERVICE" in name.split(":", 1)[0].upper()
    upper = name.upper()
    return bool(_ACCESS_IN_A_WORD.search(upper) or _UPDATE_STARTING_A_WORD.search(upper))
