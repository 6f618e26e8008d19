"""The filterable list as data: every record of the list (not one page), in the list's order, as CSV with the
columns of the download's CSV (mitigraph.mitigation_table) or as JSON with the facet counts beside it.

Both are streamed row by row from the catalogue index, so a list of every record costs no more memory than
a page of it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator

from mitigraph.mitigation_table import COLUMNS, VALUE_SEPARATOR
from mitigraph.site.catalogue import Catalogue, CataloguePage, TableRecord
from mitigraph.web.views.list_request import ListRequest

ROWS_PER_CHUNK = 500
FILE_STEM = "mitigations"


def csv_chunks(catalogue: Catalogue, wanted: ListRequest) -> Iterator[bytes]:
    """The list as CSV: UTF-8 with a byte-order mark and CRLF line ends, as the download's CSV."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield codecs.BOM_UTF8
    for number, record in enumerate(catalogue.table(wanted.filters, sort=wanted.sort), start=1):
        writer.writerow(_row(record))
        if number % ROWS_PER_CHUNK == 0:
            yield _taken(text)
    yield _taken(text)


def json_chunks(
    catalogue: Catalogue, wanted: ListRequest, *, first: CataloguePage, sparql: str
) -> Iterator[bytes]:
    """The list as one JSON object: how many records, the filters, the counts beside each choice, the
    equivalent SPARQL query, and every record with the CSV table's columns (several values as a list)."""
    head = {
        "total": first.total,
        "filters": {
            "q": wanted.filters.query,
            **{facet: list(values) for facet, values in wanted.filters.chosen.items()},
            "incomplete": wanted.filters.incomplete,
        },
        "sort": wanted.sort,
        "sparql": sparql,
        "facets": {
            facet: [
                {"value": c.value, "label": c.label, "count": c.count, "selected": c.selected}
                for c in choices
            ]
            for facet, choices in first.facets.items()
        },
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield (opening[: opening.rindex("}")].rstrip() + ',\n "records": [').encode("utf-8")
    chunk: list[str] = []
    for number, record in enumerate(catalogue.table(wanted.filters, sort=wanted.sort)):
        chunk.append(("\n  " if number == 0 else ",\n  ") + json.dumps(_object(record), ensure_ascii=False))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk).encode("utf-8")
            chunk.clear()
    chunk.append("\n ]\n}\n")
    yield "".join(chunk).encode("utf-8")


def _row(record: TableRecord) -> list[str]:
    values = {"iri": [record.iri], "label": [record.label], **record.cells}
    return [VALUE_SEPARATOR.join(values.get(column, ())) for column in COLUMNS]


def _object(record: TableRecord) -> dict[str, object]:
    found: dict[str, object] = {"iri": record.iri, "label": record.label, "incomplete": record.incomplete}
    found.update({column: list(record.cells.get(column, ())) for column in COLUMNS[2:]})
    return found


def _taken(text: io.StringIO) -> bytes:
    chunk = text.getvalue().encode("utf-8")
    text.seek(0)
    text.truncate()
    return chunk
