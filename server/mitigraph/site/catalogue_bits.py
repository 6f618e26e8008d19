"""The list's filters and counts as bitsets: which records carry each facet value, loaded once per web
worker from the catalogue index, so a list request costs a few big-integer operations per choice rather
than a pass over the records in SQL.

A bitset is a Python int over the mitigations in label order (bit i: the record of row i + 1). AND and OR
and `int.bit_count` run in C over N/64 machine words (microseconds at 100,000 records). A facet with few
values (categories, stages, actors, functions) keeps one bitset per value; a facet with many (sources)
keeps each value's record numbers, and counts its choices with one C-level pass (`itertools.compress`)
over the records that pass the other filters.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import compress, islice

DENSE_MAX_VALUES = 256
"""A facet with at most this many values keeps a bitset per value (N/8 bytes each)."""
INCOMPLETE = "incomplete"
CODE_ORDER = "code_order"
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def bitset_bytes(numbers: Iterable[int], *, size: int) -> bytes:
    """The bitset of `numbers` (each below `size`) as little-endian bytes."""
    flags = bytearray(size)
    for number in numbers:
        flags[number] = 1
    return bitset_of_flags(flags).to_bytes((size + 7) // 8 or 1, "little")


def bitset_of_flags(flags: bytes | bytearray) -> int:
    """The bitset whose bit i is flags[i] (0 or 1)."""
    return int(bytes(flags).translate(_TO_DIGITS)[::-1], 2) if flags else 0


def flags_of(bits: int, size: int) -> bytes:
    """One byte (0 or 1) per record: what `itertools.compress` selects with."""
    if size == 0:
        return b""
    return format(bits, "b").rjust(size, "0")[::-1].encode("ascii").translate(_TO_FLAGS)


@dataclass(frozen=True)
class SparseFacet:
    """A facet with many values: each value's records, and each record's values (for counting)."""

    members: Mapping[str, array[int]]
    values: tuple[str, ...]
    first: array[int]
    """Record -> the index in `values` of its first value, or -1."""
    more: tuple[tuple[int, int], ...]
    """(record, value index) of every further value of a record."""


class RecordSets:
    """Every facet value's records, the incomplete records and the records in taxonomy-code order."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.size = int(
            connection.execute("SELECT COUNT(*) FROM entities WHERE listed_as = 'mitigation'").fetchone()[0]
        )
        self.everything = (1 << self.size) - 1
        self.dense: dict[str, dict[str, int]] = {}
        members: dict[str, dict[str, array[int]]] = {}
        rows = connection.execute(
            "SELECT facet, value, bits, members FROM facet_values ORDER BY facet, position"
        )
        for facet, value, bits, numbers in rows:
            if bits is not None:
                self.dense.setdefault(facet, {})[value] = int.from_bytes(bits, "little")
            else:
                members.setdefault(facet, {})[value] = _numbers(numbers)
        self.sparse = {facet: _sparse(found, size=self.size) for facet, found in members.items()}
        self.totals = {
            facet: {value: count for value, count in self._counted(facet, self.everything).items() if count}
            for facet in (*self.dense, *self.sparse)
        }
        sets = dict(connection.execute("SELECT name, data FROM record_sets").fetchall())
        self.incomplete = int.from_bytes(sets[INCOMPLETE], "little") if self.size else 0
        self.code_order = _numbers(sets[CODE_ORDER])

    def of_values(self, facet: str, values: Iterable[str]) -> int:
        """The records carrying any of `values` of `facet`."""
        bits = 0
        if facet in self.dense:
            for value in values:
                bits |= self.dense[facet].get(value, 0)
            return bits
        found = self.sparse.get(facet)
        if found is not None:
            flags = bytearray(self.size)
            for value in values:
                for number in found.members.get(value, ()):
                    flags[number] = 1
            bits = bitset_of_flags(flags)
        return bits

    def counts(self, facet: str, within: int) -> dict[str, int]:
        """Value -> how many of the records `within` carry it (values with none left out)."""
        if within == self.everything:
            return self.totals.get(facet, {})
        return self._counted(facet, within)

    def _counted(self, facet: str, within: int) -> dict[str, int]:
        if facet in self.dense:
            found = ((value, (within & bits).bit_count()) for value, bits in self.dense[facet].items())
            return {value: count for value, count in found if count}
        sparse = self.sparse.get(facet)
        if sparse is None:
            return {}
        flags = flags_of(within, self.size)
        counted = Counter(compress(sparse.first, flags))
        counted.pop(-1, None)
        for number, index in sparse.more:
            if flags[number]:
                counted[index] += 1
        return {sparse.values[index]: count for index, count in counted.items()}

    def numbers(self, bits: int, *, by_code: bool = False) -> Iterator[int]:
        """The record numbers in `bits`, in label order (or taxonomy-code order)."""
        flags = flags_of(bits, self.size)
        if not by_code:
            return compress(range(self.size), flags)
        return compress(self.code_order, (flags[number] for number in self.code_order))

    def page(self, bits: int, *, offset: int, limit: int, by_code: bool = False) -> list[int]:
        return list(islice(self.numbers(bits, by_code=by_code), offset, offset + limit))

    def flags(self, bits: int) -> bytes:
        return flags_of(bits, self.size)


def _numbers(blob: bytes | None) -> array[int]:
    found = array("I")
    if blob:
        found.frombytes(blob)
    return found


def _sparse(members: dict[str, array[int]], *, size: int) -> SparseFacet:
    values = tuple(members)
    first = array("i", [-1]) * size
    more: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        for number in members[value]:
            if first[number] == -1:
                first[number] = index
            else:
                more.append((number, index))
    return SparseFacet(members=members, values=values, first=first, more=tuple(more))
