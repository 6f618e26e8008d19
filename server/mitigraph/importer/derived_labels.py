"""A short label written mechanically from a record's text, for records whose page shows no title.

Mechanical on purpose: the same text always gives the same label, and curators replace it by hand in
`data/curated/labels.ttl` (the record keeps `mg:labelIsDerived true` so that readers know).
"""

from __future__ import annotations

import re

MAX_LABEL_WORDS = 8
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s")
TRAILING_WORDS = frozenset(
    {"a", "an", "and", "as", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)


def derive_label(text: str) -> str:
    """The first clause of the first sentence, cut to a few words (with '…' when cut)."""
    first = SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".!?:;, ")
    words = first.split()
    if len(words) <= MAX_LABEL_WORDS:
        return first
    kept = words[:MAX_LABEL_WORDS]
    while len(kept) > 1 and kept[-1].lower().strip(",") in TRAILING_WORDS:
        kept.pop()
    return " ".join(kept).rstrip(",;:") + "…"
