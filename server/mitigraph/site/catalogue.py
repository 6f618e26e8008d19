"""The catalogue index: word search and the filterable list of mitigations, in one SQLite file.

Written once with the site (`write_catalogue`), read by every web worker (`Catalogue`). SQLite's FTS5 is in
Python's standard library and needs no server: it gives words with Porter stemming ("filters" finds
"filtering"), case and diacritic folding, hyphens as word breaks ("fine tuning" finds "fine-tuning"),
phrases ("..."), prefixes (word*), BM25 ranking with labels weighted above texts, and highlighted snippets.
Plain tables with indexes answer the list's facet filters and the counts beside each choice.

The file is written by the build and never changed afterwards, so workers open it read-only and immutable
(no locks), one connection per thread.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mitigraph.site.catalogue_rows import EntityRow, TagRow, ValueRow

CATALOGUE_FILE = "catalogue.sqlite"
FACETS = ("category", "stage", "actor", "function", "source")
"""The list's filters, each a query parameter whose values are codes (category) or IRI slugs."""
LABEL_WEIGHT = 10.0
"""How much more a word in a label counts than the same word in a text (BM25 column weights)."""
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_TERMS = 16
MAX_FILTER_VALUES = 20
"""Values of one filter a request may combine (with OR)."""
SNIPPET_TOKENS = 24
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
"""Sentinels FTS5 puts around matches, turned into <mark> after the text is HTML-escaped."""
SORTS = ("relevance", "label", "code")
TOKENIZER = "porter unicode61 remove_diacritics 2"

SCHEMA = f"""
CREATE TABLE entities (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, label TEXT NOT NULL,
  sort_label TEXT NOT NULL, sort_code TEXT NOT NULL, incomplete INTEGER NOT NULL
);
CREATE INDEX entities_by_kind ON entities (kind, sort_label);
CREATE VIRTUAL TABLE texts USING fts5 (label, body, tokenize = '{TOKENIZER}');
CREATE TABLE tags (facet TEXT NOT NULL, value TEXT NOT NULL, entity INTEGER NOT NULL);
CREATE INDEX tags_by_value ON tags (facet, value, entity);
CREATE INDEX tags_by_entity ON tags (entity, facet, value);
CREATE TABLE facet_values (
  facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, position INTEGER NOT NULL,
  depth INTEGER NOT NULL, total INTEGER NOT NULL, PRIMARY KEY (facet, value)
);
"""


class CatalogueQueryError(ValueError):
    """A search or filter the catalogue cannot answer; the message names the parameter and the problem."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


# ---------------------------------------------------------------- writing (the build)


def write_catalogue(
    path: Path, *, entities: Iterable[EntityRow], tags: Iterable[TagRow], values: Iterable[ValueRow]
) -> None:
    """Write the index into a new file at `path` (the caller writes the site into a staging directory)."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        ids: dict[str, int] = {}
        entity_rows, text_rows = [], []
        for number, entity in enumerate(entities, start=1):
            ids[entity.iri] = number
            entity_rows.append(
                (
                    number,
                    entity.iri,
                    entity.kind,
                    entity.label,
                    entity.label.casefold(),
                    entity.sort_code,
                    int(entity.incomplete),
                )
            )
            text_rows.append((number, _clean(entity.label), _clean(entity.text)))
        connection.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)", entity_rows)
        connection.executemany("INSERT INTO texts (rowid, label, body) VALUES (?, ?, ?)", text_rows)
        connection.executemany(
            "INSERT INTO tags VALUES (?, ?, ?)",
            ((tag.facet, tag.value, ids[tag.iri]) for tag in tags if tag.iri in ids),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO facet_values VALUES (?, ?, ?, ?, ?, 0)",
            ((value.facet, value.value, value.label, value.position, value.depth) for value in values),
        )
        connection.execute(
            "UPDATE facet_values SET total = (SELECT COUNT(DISTINCT entity) FROM tags "
            "WHERE tags.facet = facet_values.facet AND tags.value = facet_values.value)"
        )
        connection.execute("INSERT INTO texts (texts) VALUES ('optimize')")
        connection.commit()
        connection.execute("ANALYZE")
    finally:
        connection.close()


def _clean(text: str) -> str:
    return text.replace(MARK_OPEN, " ").replace(MARK_CLOSE, " ")


# ---------------------------------------------------------------- reading (web workers)


@dataclass(frozen=True)
class Filters:
    """What a list request asks for: AND across facets, OR within one facet's values."""

    chosen: dict[str, tuple[str, ...]] = field(default_factory=dict)
    query: str = ""
    incomplete: bool | None = None

    def without(self, facet: str) -> Filters:
        return Filters({f: v for f, v in self.chosen.items() if f != facet}, self.query, self.incomplete)


@dataclass(frozen=True)
class ListedRecord:
    iri: str
    label: str
    kind: str
    incomplete: bool
    snippet_html: str
    """The matching words of the text, highlighted (<mark>), when the list is a search; else ""."""
    label_html: str


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


class Catalogue:
    """The index of one site, opened read-only; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no catalogue index at {self.path}")
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def known_values(self, facet: str) -> dict[str, str]:
        rows = self._connection().execute(
            "SELECT value, label FROM facet_values WHERE facet = ? ORDER BY position", (facet,)
        )
        return dict(rows.fetchall())

    def records(
        self, filters: Filters, *, sort: str = "relevance", offset: int = 0, limit: int = 50
    ) -> CataloguePage:
        """One page of the mitigations that pass `filters`, with the facet counts beside each choice."""
        match = fts_query(filters.query)
        if sort not in SORTS:
            raise CatalogueQueryError("sort", f"unknown value {sort!r}; expected one of {', '.join(SORTS)}")
        where, parameters = self._where(filters, match)
        connection = self._connection()
        total = connection.execute(f"SELECT COUNT(*) FROM entities e WHERE {where}", parameters).fetchone()[0]
        rows = connection.execute(
            self._page_sql(where, match=match, sort=sort), [*parameters, limit, offset]
        ).fetchall()
        records = tuple(_listed(row, kind="mitigation") for row in rows)
        facets = {facet: self._choices(filters, facet, match) for facet in FACETS}
        return CataloguePage(records=records, total=total, facets=facets)

    def search(self, query: str, *, offset: int = 0, limit: int = 50) -> tuple[tuple[ListedRecord, ...], int]:
        """Every kind of entity whose label or text has the words, best first, with highlighted snippets."""
        match = fts_query(query)
        if match is None:
            return (), 0
        connection = self._connection()
        total = connection.execute("SELECT COUNT(*) FROM texts WHERE texts MATCH ?", (match,)).fetchone()[0]
        rows = connection.execute(
            f"SELECT e.iri, e.label, e.incomplete, {_HIGHLIGHTS}, e.kind FROM texts t "
            "JOIN entities e ON e.id = t.rowid WHERE texts MATCH ? "
            f"ORDER BY bm25(texts, {LABEL_WEIGHT}, 1.0), e.sort_label LIMIT ? OFFSET ?",
            (match, limit, offset),
        ).fetchall()
        return tuple(_listed(row[:5], kind=row[5]) for row in rows), total

    # -- SQL pieces

    def _where(self, filters: Filters, match: str | None) -> tuple[str, list[object]]:
        clauses: list[str] = ["e.kind = 'mitigation'"]
        parameters: list[object] = []
        for facet, chosen in filters.chosen.items():
            if chosen:
                marks = ", ".join("?" for _ in chosen)
                clauses.append(f"e.id IN (SELECT entity FROM tags WHERE facet = ? AND value IN ({marks}))")
                parameters += [facet, *chosen]
        if filters.incomplete is not None:
            clauses.append("e.incomplete = ?")
            parameters.append(int(filters.incomplete))
        if match is not None:
            clauses.append("e.id IN (SELECT rowid FROM texts WHERE texts MATCH ?)")
            parameters.append(match)
        return " AND ".join(clauses), parameters

    @staticmethod
    def _page_sql(where: str, *, match: str | None, sort: str) -> str:
        if match is None:
            order = "e.sort_code, e.sort_label" if sort == "code" else "e.sort_label, e.iri"
            return (
                f"SELECT e.iri, e.label, e.incomplete, '', '' FROM entities e WHERE {where} "
                f"ORDER BY {order} LIMIT ? OFFSET ?"
            )
        order = {
            "relevance": f"bm25(texts, {LABEL_WEIGHT}, 1.0), e.sort_label",
            "label": "e.sort_label, e.iri",
            "code": "e.sort_code, e.sort_label",
        }[sort]
        return (
            f"SELECT e.iri, e.label, e.incomplete, {_HIGHLIGHTS} FROM texts t "
            f"JOIN entities e ON e.id = t.rowid WHERE texts MATCH ? AND {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )

    def _choices(self, filters: Filters, facet: str, match: str | None) -> tuple[FacetChoice, ...]:
        chosen = set(filters.chosen.get(facet, ()))
        others = filters.without(facet)
        if not others.chosen and others.incomplete is None and match is None:
            rows = self._connection().execute(
                "SELECT value, label, total, depth FROM facet_values WHERE facet = ? AND total > 0 "
                "ORDER BY position, label",
                (facet,),
            )
        else:
            where, parameters = self._where(others, match)
            rows = self._connection().execute(
                "SELECT v.value, v.label, COUNT(t.entity), v.depth FROM facet_values v "
                "JOIN tags t ON t.facet = v.facet AND t.value = v.value "
                f"WHERE v.facet = ? AND t.entity IN (SELECT e.id FROM entities e WHERE {where}) "
                "GROUP BY v.value ORDER BY v.position, v.label",
                [facet, *parameters],
            )
        choices = [
            FacetChoice(value=value, label=label, count=count, depth=depth, selected=value in chosen)
            for value, label, count, depth in rows.fetchall()
        ]
        missing = chosen - {choice.value for choice in choices}
        labels = self.known_values(facet) if missing else {}
        choices += [
            FacetChoice(value=value, label=labels.get(value, value), count=0, depth=0, selected=True)
            for value in sorted(missing)
        ]
        return tuple(choices)


_HIGHLIGHTS = (
    f"highlight(texts, 0, '{MARK_OPEN}', '{MARK_CLOSE}'), "
    f"snippet(texts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_TOKENS})"
)


def _listed(row: Sequence[object], *, kind: str) -> ListedRecord:
    iri, label, incomplete, label_marked, snippet = row
    return ListedRecord(
        iri=str(iri),
        label=str(label),
        kind=kind,
        incomplete=bool(incomplete),
        label_html=marked_html(str(label_marked)) if label_marked else html.escape(str(label)),
        snippet_html=marked_html(str(snippet)) if snippet and MARK_OPEN in str(snippet) else "",
    )


def marked_html(text: str) -> str:
    """HTML-escaped text with FTS5's match sentinels as <mark> elements."""
    escaped = html.escape(text)
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


# ---------------------------------------------------------------- what a person types -> FTS5 syntax

_PIECES = re.compile(r'"([^"]*)"?|(\S+)')
_WORDS = re.compile(r"\w+")


def fts_query(text: str) -> str | None:
    """A person's search as an FTS5 query, or None when it has no words.

    Words are ANDed; "a phrase" stays a phrase; a trailing `*` asks for a prefix; punctuation breaks words,
    so `fine-tuning` is the phrase "fine tuning". Every word is quoted, so nothing a person types is read as
    FTS5 syntax (AND, NEAR, column filters). One linear pass over at most MAX_QUERY_CHARACTERS.
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
