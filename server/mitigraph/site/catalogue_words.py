"""Which records have a search's words, and in what order BM25 ranks them: one FTS5 pass per search,
kept for the next requests with the same words (a person refining a list keeps its words while choosing
filters and turning pages).
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass

from mitigraph.site.catalogue_bits import bitset_of_flags

LABEL_WEIGHT = 10.0
"""How much more a word in a label counts than the same word in a text (BM25 column weights)."""
RANK = f"bm25(texts, {LABEL_WEIGHT}, 1.0), rowid"
"""Best first; equals in label order (a mitigation's row id is its place in label order)."""
KEPT_SEARCHES = 16
"""Searches kept per web worker (at 100,000 records, at most a few hundred kB each)."""


@dataclass(frozen=True)
class Matches:
    bits: int
    """The records (bit i: row i + 1) whose label or text has the words."""
    ranked: array[int] | None
    """Their record numbers best first, when asked for."""


class WordMatches:
    """The matches of searches over the first `size` rows (the mitigations), the latest few kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, bool], Matches] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, connection: sqlite3.Connection, match: str, *, ranked: bool) -> Matches:
        """The records matching the FTS5 query `match`; `ranked`: also in BM25 order."""
        with self._lock:
            found = self._kept.get((match, ranked)) or (self._kept.get((match, True)) if not ranked else None)
            if found is not None:
                self._kept.move_to_end((match, found.ranked is not None))
                return found
        order = f" ORDER BY {RANK}" if ranked else ""
        rows = connection.execute(
            f"SELECT rowid FROM texts WHERE texts MATCH ? AND rowid <= ?{order}", (match, self.size)
        )
        numbers = array("I", (rowid - 1 for (rowid,) in rows))
        flags = bytearray(self.size)
        for number in numbers:
            flags[number] = 1
        found = Matches(bits=bitset_of_flags(flags), ranked=numbers if ranked else None)
        with self._lock:
            self._kept[(match, ranked)] = found
            while len(self._kept) > KEPT_SEARCHES:
                self._kept.popitem(last=False)
        return found
