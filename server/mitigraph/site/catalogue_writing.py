"""Writing the catalogue index: one SQLite file, written once with the site and never changed afterwards.

SQLite's FTS5 is in Python's standard library and needs no server: it gives words with Porter stemming
("filters" finds "filtering"), case and diacritic folding, hyphens as word breaks ("fine tuning" finds
"fine-tuning"), phrases, prefixes, BM25 ranking with labels weighted above texts, and highlighted
snippets. The same file holds each record's cells of the CSV table and, for the list's filters, which
records carry each facet value, as bitsets over the records in label order (mitigraph.site.catalogue_bits).

The mitigations are the first rows, in label order, so a mitigation's row id is its place in that order
plus one, and a bitset's bit i is the mitigation of row i + 1.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from mitigraph.site.catalogue_bits import CODE_ORDER, DENSE_MAX_VALUES, INCOMPLETE, bitset_bytes
from mitigraph.site.catalogue_rows import (
    CatalogueSource,
    EntityRow,
    TagRow,
    ValueRow,
    entity_rows,
    tag_rows,
    value_rows,
)
from mitigraph.site.catalogue_text import without_marks
from mitigraph.store import GraphReader

CATALOGUE_FILE = "catalogue.sqlite"
TOKENIZER = "porter unicode61 remove_diacritics 2"
"""Unicode words (punctuation, hyphens included, separates them), case and diacritics folded, then Porter
stemming (English), so "Filters", "filtering" and "filtered" are one word."""
BATCH_ROWS = 5000

SCHEMA = f"""
CREATE TABLE entities (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, listed_as TEXT NOT NULL,
  label TEXT NOT NULL, sort_label TEXT NOT NULL, sort_code TEXT NOT NULL, category TEXT NOT NULL,
  incomplete INTEGER NOT NULL
);
CREATE INDEX entities_by_label ON entities (listed_as, sort_label, iri);
CREATE VIRTUAL TABLE texts USING fts5 (label, body, tokenize = '{TOKENIZER}');
CREATE TABLE cells (entity INTEGER PRIMARY KEY, cells TEXT NOT NULL);
CREATE TABLE facet_values (
  facet TEXT NOT NULL, value TEXT NOT NULL, iri TEXT NOT NULL, label TEXT NOT NULL,
  position INTEGER NOT NULL, depth INTEGER NOT NULL, total INTEGER NOT NULL,
  bits BLOB, members BLOB, PRIMARY KEY (facet, value)
);
CREATE TABLE record_sets (name TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


def write_catalogue_of(reader: GraphReader, path: Path, *, base: str) -> None:
    """Write the catalogue index of the graph `reader` reads (its entities under `base`) at `path`."""
    source = CatalogueSource(reader, base=base)
    write_catalogue(path, entities=entity_rows(source), tags=tag_rows(source), values=value_rows(source))


def write_catalogue(
    path: Path, *, entities: Iterable[EntityRow], tags: Iterable[TagRow], values: Iterable[ValueRow]
) -> None:
    """Write the index into a new file at `path` (the caller writes the site into a staging directory)."""
    ordered = sorted(entities, key=lambda e: (e.listed_as != "mitigation", e.label.casefold(), e.iri))
    mitigations = sum(1 for entity in ordered if entity.listed_as == "mitigation")
    connection = sqlite3.connect(path)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        ids = _write_entities(connection, ordered)
        members: dict[tuple[str, str], list[int]] = defaultdict(list)
        for tag in tags:
            number = ids.get(tag.iri, 0)
            if 0 < number <= mitigations:
                members[(tag.facet, tag.value)].append(number - 1)
        _write_values(connection, values, members, size=mitigations)
        incomplete = [number for number, entity in enumerate(ordered[:mitigations]) if entity.incomplete]
        code_order = sorted(range(mitigations), key=lambda n: (ordered[n].sort_code, n))
        connection.executemany(
            "INSERT INTO record_sets VALUES (?, ?)",
            [
                (INCOMPLETE, bitset_bytes(incomplete, size=mitigations)),
                (CODE_ORDER, array("I", code_order).tobytes()),
            ],
        )
        connection.execute("INSERT INTO texts (texts) VALUES ('optimize')")
        connection.commit()
        connection.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


def _write_entities(connection: sqlite3.Connection, entities: list[EntityRow]) -> dict[str, int]:
    """The entities, their texts and cells, in batches; IRI -> row id."""
    ids: dict[str, int] = {}
    entity_rows: list[tuple[object, ...]] = []
    text_rows: list[tuple[object, ...]] = []
    cell_rows: list[tuple[object, ...]] = []

    def flush() -> None:
        connection.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", entity_rows)
        connection.executemany("INSERT INTO texts (rowid, label, body) VALUES (?, ?, ?)", text_rows)
        connection.executemany("INSERT INTO cells VALUES (?, ?)", cell_rows)
        for rows in (entity_rows, text_rows, cell_rows):
            rows.clear()

    for number, entity in enumerate(entities, start=1):
        ids[entity.iri] = number
        entity_rows.append(
            (
                number,
                entity.iri,
                entity.kind,
                entity.listed_as,
                entity.label,
                entity.label.casefold(),
                entity.sort_code,
                entity.category,
                int(entity.incomplete),
            )
        )
        text_rows.append((number, without_marks(entity.label), without_marks(entity.text)))
        if entity.listed_as == "mitigation":
            cell_rows.append((number, json.dumps(entity.cells, ensure_ascii=False, separators=(",", ":"))))
        if len(entity_rows) >= BATCH_ROWS:
            flush()
    flush()
    return ids


def _write_values(
    connection: sqlite3.Connection,
    values: Iterable[ValueRow],
    members: dict[tuple[str, str], list[int]],
    *,
    size: int,
) -> None:
    """Every value a filter takes, with its records: a bitset for the values of a facet with few values,
    the sorted record numbers for a facet with many (sources)."""
    by_facet: dict[str, list[ValueRow]] = defaultdict(list)
    for value in values:
        by_facet[value.facet].append(value)
    for facet, rows in by_facet.items():
        dense = len(rows) <= DENSE_MAX_VALUES
        written: set[str] = set()
        for row in rows:
            if row.value in written:
                continue
            written.add(row.value)
            numbers = sorted(set(members.get((facet, row.value), ())))
            connection.execute(
                "INSERT INTO facet_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    facet,
                    row.value,
                    row.iri,
                    row.label,
                    row.position,
                    row.depth,
                    len(numbers),
                    bitset_bytes(numbers, size=size) if dense else None,
                    None if dense else array("I", numbers).tobytes(),
                ),
            )
