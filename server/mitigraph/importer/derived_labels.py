"""A short label written mechanically from a record's text, for records whose page shows no title.

Mechanical on purpose: the same text always gives the same label, and curators replace it by hand in
`data/curated/labels.ttl` (the record keeps `mg:labelIsDerived true` so that readers know).
"""

from __future__ import annotations

import re

MAX_LABEL_WORDS = 8
MIN_CLAUSE_WORDS = 4
"""A shorter clause (`Stage: Detection; ...`) is a field name or value, not what the text is about."""
CLAUSE_END = re.compile(r"(?<=[.!?:;])\s")
TRAILING_WORDS = frozenset(
    {"a", "an", "and", "as", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)


def derive_label(text: str) -> str:
    """The first clause of at least a few words, cut to a few words (with '…' when cut)."""
    clauses = [clause.rstrip(".!?:;, ") for clause in CLAUSE_END.split(text.strip())]
    first = next((clause for clause in clauses if len(clause.split()) >= MIN_CLAUSE_WORDS), clauses[0])
    words = first.split()
    if len(words) <= MAX_LABEL_WORDS:
        return first
    kept = words[:MAX_LABEL_WORDS]
    while len(kept) > 1 and kept[-1].lower().strip(",") in TRAILING_WORDS:
        kept.pop()
    return " ".join(kept).rstrip(",;:") + "…"
