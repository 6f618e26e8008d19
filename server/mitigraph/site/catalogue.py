"""The catalogue index as web workers read it: word search over every entity, the filterable list of
mitigations with the counts beside each choice, the same list as table rows, and the A-Z listings.

The index is one SQLite file with FTS5 (mitigraph.site.catalogue_writing says why), written by the build
and never changed afterwards, so workers open it read-only and immutable (no locks), one connection per
thread. Which records pass the filters, and the count beside each choice, are bitset operations
(mitigraph.site.catalogue_bits); SQLite gives the words' matches, their BM25 order, and the rows of the
page shown.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, islice
from pathlib import Path

from mitigraph.site.catalogue_bits import RecordSets
from mitigraph.site.catalogue_text import (
    MARK_CLOSE,
    MARK_OPEN,
    MAX_FILTER_VALUES,
    CatalogueQueryError,
    fts_query,
    marked_html,
)
from mitigraph.site.catalogue_words import RANK, Matches, WordMatches
from mitigraph.site.catalogue_writing import CATALOGUE_FILE

FACETS = ("category", "stage", "actor", "function", "source")
"""The list's filters, each a query parameter whose values are codes (category) or IRI slugs."""
SNIPPET_TOKENS = 24
SHOWN_VALUE_CHARACTERS = 40
"""How much of an unknown value an error message repeats."""
SORTS = ("relevance", "label", "code")
"""relevance: BM25 when there are search words (label order without); label: A-Z; code: taxonomy order."""

__all__ = ["CATALOGUE_FILE", "FACETS", "SORTS", "Catalogue", "CatalogueQueryError", "Filters"]


@dataclass(frozen=True)
class Filters:
    """What a list request asks for: AND across facets, OR within one facet's values."""

    chosen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    query: str = ""
    incomplete: bool | None = None


@dataclass(frozen=True)
class ListedRecord:
    iri: str
    label: str
    kind: str
    incomplete: bool
    label_html: str
    """The label, HTML-escaped, its matching words in <mark> when the list is a search."""
    snippet_html: str
    """The matching words of the text in context, highlighted (<mark>), when the text matches; else ""."""
    text: str
    category: str
    """The IRI of the category a mitigation is shown in, "" for none (and for other entities)."""


@dataclass(frozen=True)
class TableRecord:
    """One mitigation as the CSV and JSON lists give it, with its cells of the CSV table
    (mitigraph.mitigation_table)."""

    iri: str
    label: str
    incomplete: bool
    cells: Mapping[str, list[str]]


@dataclass(frozen=True)
class FacetChoice:
    value: str
    label: str
    count: int
    """How many records the list would show with this value added to the current filters."""
    depth: int
    selected: bool


@dataclass(frozen=True)
class CataloguePage:
    records: tuple[ListedRecord, ...]
    total: int
    facets: dict[str, tuple[FacetChoice, ...]]


_HIGHLIGHTS = (
    f"highlight(texts, 0, '{MARK_OPEN}', '{MARK_CLOSE}'), "
    f"snippet(texts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_TOKENS}), t.body"
)
_PLAIN = "'', '', (SELECT body FROM texts WHERE rowid = e.id)"
_LISTED = "e.iri, e.label, e.incomplete, e.kind, e.category"
TABLE_CHUNK = 500


class Catalogue:
    """The index of one site, opened read-only; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no catalogue index at {self.path}")
        self._local = threading.local()
        connection = self._connection()
        self.sets = RecordSets(connection)
        self.words = WordMatches(self.sets.size)
        self.values: dict[str, list[tuple[str, str, int]]] = {}
        """Facet -> (value, label, depth) of each of its values, in the order of its choices."""
        rows = connection.execute(
            "SELECT facet, value, label, depth FROM facet_values ORDER BY facet, position"
        )
        for facet, value, label, depth in rows:
            self.values.setdefault(facet, []).append((value, label, depth))

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    # -- the values a filter takes

    def known_values(self, facet: str) -> dict[str, str]:
        """Every value of `facet` (records or not), in the order of its choices -> its label."""
        return {value: label for value, label, _ in self.values.get(facet, ())}

    def value_iris(self, facet: str, values: Sequence[str]) -> dict[str, str]:
        """The IRI each of `values` of `facet` stands for (unknown values are left out)."""
        marks = ", ".join("?" for _ in values)
        rows = self._connection().execute(
            f"SELECT value, iri FROM facet_values WHERE facet = ? AND value IN ({marks})", (facet, *values)
        )
        return dict(rows.fetchall())

    def check(self, filters: Filters) -> None:
        """Raise CatalogueQueryError naming the parameter for an unknown facet or value, too many values of
        one facet, or a search the index cannot read."""
        fts_query(filters.query)
        for facet, chosen in filters.chosen.items():
            if facet not in FACETS:
                raise CatalogueQueryError(facet, f"not a filter; the filters are {', '.join(FACETS)}")
            if len(chosen) > MAX_FILTER_VALUES:
                raise CatalogueQueryError(facet, f"at most {MAX_FILTER_VALUES} values, got {len(chosen)}")
            unknown = sorted(set(chosen) - self.value_iris(facet, chosen).keys())
            if unknown:
                shown = unknown[0][:SHOWN_VALUE_CHARACTERS]
                shown += "..." if len(unknown[0]) > len(shown) else ""
                raise CatalogueQueryError(facet, f"unknown value {shown!r}{_known_hint(self, facet)}")

    # -- the filterable list

    def records(
        self, filters: Filters, *, sort: str = "relevance", offset: int = 0, limit: int = 50
    ) -> CataloguePage:
        """One page of the mitigations that pass `filters`, with the facet counts beside each choice."""
        selection = self._selection(filters, sort)
        numbers = islice(self._ordered(selection, sort=sort), offset, offset + limit)
        records = self._rows(numbers, match=selection.match)
        facets = {facet: self._choices(filters, facet, selection) for facet in FACETS}
        return CataloguePage(records=records, total=selection.passing.bit_count(), facets=facets)

    def table(self, filters: Filters, *, sort: str = "relevance") -> Iterator[TableRecord]:
        """Every mitigation that passes `filters`, in the list's order, with its cells of the CSV table."""
        numbers = self._ordered(self._selection(filters, sort), sort=sort)
        connection = self._open()  # its own: a streamed response may be read on another thread
        try:
            while chunk := [number + 1 for number in islice(numbers, TABLE_CHUNK)]:
                marks = ", ".join("?" for _ in chunk)
                rows = connection.execute(
                    "SELECT e.id, e.iri, e.label, e.incomplete, c.cells FROM entities e "
                    f"JOIN cells c ON c.entity = e.id WHERE e.id IN ({marks})",
                    chunk,
                )
                found = {row[0]: row[1:] for row in rows}
                for iri, label, incomplete, cells in (found[number] for number in chunk):
                    yield TableRecord(iri, label, bool(incomplete), json.loads(cells))
        finally:
            connection.close()

    # -- word search over every entity, and the A-Z listings

    def search(self, query: str, *, offset: int = 0, limit: int = 50) -> tuple[tuple[ListedRecord, ...], int]:
        """Every kind of entity whose label or text has the words, best first, with highlighted snippets."""
        match = fts_query(query)
        if match is None:
            return (), 0
        connection = self._connection()
        total = connection.execute("SELECT COUNT(*) FROM texts WHERE texts MATCH ?", (match,)).fetchone()[0]
        ranked = connection.execute(
            f"SELECT rowid FROM texts WHERE texts MATCH ? ORDER BY {RANK} LIMIT ? OFFSET ?",
            (match, limit, offset),
        )
        return self._rows([rowid - 1 for (rowid,) in ranked], match=match), total

    def count(self, listed_as: str) -> int:
        """How many instances of a listed class ("mitigation", "source") the catalogue holds."""
        query = "SELECT COUNT(*) FROM entities WHERE listed_as = ?"
        return int(self._connection().execute(query, (listed_as,)).fetchone()[0])

    def listing(self, listed_as: str, *, offset: int, limit: int) -> tuple[ListedRecord, ...]:
        """One page of the instances of a listed class, in label order."""
        rows = self._connection().execute(
            f"SELECT {_LISTED}, {_PLAIN} FROM entities e WHERE e.listed_as = ? "
            "ORDER BY e.sort_label, e.iri LIMIT ? OFFSET ?",
            (listed_as, limit, offset),
        )
        return tuple(_listed(row) for row in rows.fetchall())

    # -- pieces

    def _selection(self, filters: Filters, sort: str) -> _Selection:
        match = _checked(filters, sort)
        words = None
        if match is not None:
            words = self.words.of(self._connection(), match, ranked=sort == "relevance")
        chosen = {
            facet: self.sets.of_values(facet, values) for facet, values in filters.chosen.items() if values
        }
        return _Selection(match, words, chosen, self._passing(filters, words, chosen))

    def _passing(self, filters: Filters, words: Matches | None, chosen: Mapping[str, int]) -> int:
        """The records that pass the words, every chosen facet (`chosen`: facet -> its values' records)
        and the incomplete filter."""
        bits = self.sets.everything if words is None else words.bits
        for facet_bits in chosen.values():
            bits &= facet_bits
        if filters.incomplete is True:
            bits &= self.sets.incomplete
        elif filters.incomplete is False:
            bits &= ~self.sets.incomplete
        return bits

    def _ordered(self, selection: _Selection, *, sort: str) -> Iterator[int]:
        """The record numbers that pass, in the sort's order."""
        ranked = selection.words.ranked if selection.words is not None else None
        if ranked is None:
            return self.sets.numbers(selection.passing, by_code=sort == "code")
        flags = self.sets.flags(selection.passing)
        return compress(ranked, map(flags.__getitem__, ranked))

    def _rows(self, numbers: Iterable[int], *, match: str | None) -> tuple[ListedRecord, ...]:
        """The records (row id - 1) as the list shows them, in the given order."""
        ids = [number + 1 for number in numbers]
        if not ids:
            return ()
        marks = ", ".join("?" for _ in ids)
        if match is None:
            query = f"SELECT e.id, {_LISTED}, {_PLAIN} FROM entities e WHERE e.id IN ({marks})"
            arguments: list[object] = [*ids]
        else:
            query = (
                f"SELECT e.id, {_LISTED}, {_HIGHLIGHTS} FROM texts t JOIN entities e ON e.id = t.rowid "
                f"WHERE texts MATCH ? AND t.rowid IN ({marks})"
            )
            arguments = [match, *ids]
        found = {row[0]: _listed(row[1:]) for row in self._connection().execute(query, arguments)}
        return tuple(found[number] for number in ids if number in found)

    def _choices(self, filters: Filters, facet: str, selection: _Selection) -> tuple[FacetChoice, ...]:
        """The choices of `facet`, in its order, each with the records it would give: what the other
        filters pass, with this value; a chosen value is always a choice."""
        others = {f: bits for f, bits in selection.chosen.items() if f != facet}
        counts = self.sets.counts(facet, self._passing(filters, selection.words, others))
        chosen = set(filters.chosen.get(facet, ()))
        return tuple(
            FacetChoice(value, label, counts.get(value, 0), depth, value in chosen)
            for value, label, depth in self.values.get(facet, ())
            if value in counts or value in chosen
        )


@dataclass(frozen=True)
class _Selection:
    match: str | None
    """The words as an FTS5 query."""
    words: Matches | None
    chosen: dict[str, int]
    """Facet -> the records carrying any of its chosen values."""
    passing: int
    """The records that pass every filter."""


def _known_hint(catalogue: Catalogue, facet: str, *, shown: int = 8) -> str:
    known = list(catalogue.known_values(facet))
    if not known:
        return "; this catalogue has none"
    more = f" and {len(known) - shown:,} more" if len(known) > shown else ""
    return f"; known values include {', '.join(known[:shown])}{more}"


def _checked(filters: Filters, sort: str) -> str | None:
    """The filters' words as an FTS5 query (None without words); raises for a sort the list has not."""
    if sort not in SORTS:
        raise CatalogueQueryError("sort", f"unknown value {sort!r}; expected one of {', '.join(SORTS)}")
    return fts_query(filters.query)


def _listed(row: Sequence[object]) -> ListedRecord:
    iri, label, incomplete, kind, category, label_marked, snippet, text = row
    return ListedRecord(
        iri=str(iri),
        label=str(label),
        kind=str(kind),
        incomplete=bool(incomplete),
        label_html=marked_html(str(label_marked)) if label_marked else marked_html(str(label)),
        snippet_html=marked_html(str(snippet)) if snippet and MARK_OPEN in str(snippet) else "",
        text=str(text or ""),
        category=str(category),
    )
