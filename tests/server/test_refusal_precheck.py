"""The refusal layer's quick pre-check (`may_be_refused`): it spares the tokenizer ordinary queries, and it
never waves through a text the tokenizer would refuse, however a keyword hides inside a word."""

from __future__ import annotations

import itertools
import string
import sys
import time

import pytest

from mitigraph.examples import example_queries
from mitigraph.query_guard import may_be_refused, tokenized_refusal

MAX_DEPTH = 100

HIDDEN_KEYWORDS = [
    "?x-INSERT",
    "?x%INSERT",
    "?from.FROM",
    "@en·INSERT",
    "1INSERT",
    "2e5DELETE",
    "\u0345INSERT",
    "%LOAD",
    "·LOAD",
    "-LOAD",
    "é-DROP",
    "a.FROM",
    "a-INSERT",
    "FROM.",
    "dropx",
    "ßSERVICE",
    "ﬁFROM",
    "ıNSERT",
    "ſervice",
    "service:x {",
    "SERVICEsilent:x {",
]
"""Texts the tokenizer refuses for a keyword in a word that a variable, a language tag, a number, a
prefix operator or a character that upper-cases to two starts or ends, or in a prefix before `{`."""

NOT_KEYWORDS = [
    "SELECT ?addressedBy WHERE { ?addressedBy mg:addressesLimitation ?limitation }",
    "SELECT ?page WHERE { ?m prov:wasDerivedFrom ?page }",
    "SELECT ?from $load ?service ?x·INSERT WHERE { ?from mg:insertedBy ?load }",
    "SELECT * WHERE { ?s mg:x.FROM _:from ; x:y-INSERT true }",
    "SELECT ?x WHERE { ?x mg:p ßINSERT, xdrop, x_with, truewith }",
]
"""Texts the tokenizer lets through that hold keywords only where it never reads them: variables,
prefixed names, the middle of a bare word (update keywords)."""


@pytest.mark.parametrize("text", HIDDEN_KEYWORDS)
def test_a_keyword_hidden_in_a_word_is_a_maybe(text: str) -> None:
    assert tokenized_refusal(text, max_depth=MAX_DEPTH) is not None
    assert may_be_refused(text, max_depth=MAX_DEPTH)


@pytest.mark.parametrize("text", NOT_KEYWORDS)
def test_keywords_in_variables_and_prefixed_names_skip_the_tokenizer(text: str) -> None:
    assert tokenized_refusal(text, max_depth=MAX_DEPTH) is None
    assert not may_be_refused(text, max_depth=MAX_DEPTH)


def test_every_example_query_skips_the_tokenizer() -> None:
    """The examples hold `?addressedBy`, `prov:wasDerivedFrom`...: the pre-check alone answers them."""
    for example in example_queries():
        assert tokenized_refusal(example.query, max_depth=MAX_DEPTH) is None, example.label
        assert not may_be_refused(example.query, max_depth=MAX_DEPTH), example.label


def test_too_many_brackets_or_a_backslash_is_a_maybe() -> None:
    assert may_be_refused("SELECT * WHERE { { ?s ?p ?o } }", max_depth=1)
    assert not may_be_refused("SELECT * WHERE { { ?s ?p ?o } }", max_depth=2)
    assert may_be_refused("SELECT * WHERE { ?s ?p '\\u0041' }", max_depth=MAX_DEPTH)


UNITS = (
    *("INSERT", "from", "Load", "ſervice", "ß", "ﬁ", "\u0345", "·", "é"),
    *("?", "$", "@", ":", "-", "%", ".", "1", "e", "_", "x", " ", "'", "<", ">", "#", "{", "\\u0046"),
)
"""What decides how the tokenizer splits a word: what starts it, what ends it, what upper-cases to more
than one character, what opens a string, an IRI or a comment."""


def test_the_pre_check_lets_through_nothing_the_tokenizer_refuses_in_every_short_text() -> None:
    """Every text of up to three UNITS (and a keyword after it), compared with the tokenizer."""
    for length in (1, 2, 3):
        for parts in itertools.product(UNITS, repeat=length):
            for text in ("".join(parts), "".join(parts) + "with"):
                for depth in (1, 8):
                    if tokenized_refusal(text, max_depth=depth) is not None:
                        assert may_be_refused(text, max_depth=depth), (text, depth)


def test_what_upper_cases_to_one_latin_letter_is_a_letter() -> None:
    """The pre-check finds a keyword's word by its position in the upper-cased text when no character
    upper-cases to more than one: that holds only while what upper-cases to A-Z is a letter (a-z, A-Z, ı, ſ
    in today's Unicode), never a character that ends a word."""
    latin = set(string.ascii_uppercase)
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        if character.upper() in latin:
            assert character.isalpha(), hex(code)


@pytest.mark.parametrize("unit", ["?from ", "a:from ", "ß ?from ", "mg:x.FROM.", "from", "xdrop "])
def test_the_pre_check_reads_256_kib_in_linear_time(unit: str) -> None:
    text = (unit * (256 * 1024 // len(unit) + 1))[: 256 * 1024]
    started = time.process_time()
    may_be_refused(text, max_depth=MAX_DEPTH)
    assert time.process_time() - started < 1.0, f"{unit!r} took too long"
