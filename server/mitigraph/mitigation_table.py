"""The mitigations as one CSV table, for spreadsheets: one row per mitigation, read from the store by SPARQL.

Several values of one column (two sources, say) are joined with '; ' so each mitigation keeps one row.
The file is UTF-8 with a byte-order mark, so spreadsheet programs show non-ASCII author names correctly,
and CRLF line ends, as RFC 4180 writes them.
"""

from __future__ import annotations

import codecs
import csv
import io

from pyoxigraph import QuerySolutions, Store

from mitigraph.namespaces import sparql_prologue
from mitigraph.outputs import BinaryOutput

COLUMNS = (
    "iri",
    "label",
    "category_code",
    "category_name",
    "source_title",
    "year",
    "lifecycle_stage",
    "actor",
    "risk_management_function",
)
VALUE_SEPARATOR = "; "
ROWS_PER_WRITE = 1000

ROWS_QUERY = f"""
SELECT ?iri
       (SAMPLE(?label_) AS ?label)
       (GROUP_CONCAT(DISTINCT ?code_; separator="{VALUE_SEPARATOR}") AS ?category_code)
       (GROUP_CONCAT(DISTINCT ?category_; separator="{VALUE_SEPARATOR}") AS ?category_name)
       (GROUP_CONCAT(DISTINCT ?title_; separator="{VALUE_SEPARATOR}") AS ?source_title)
       (GROUP_CONCAT(DISTINCT STR(?year_); separator="{VALUE_SEPARATOR}") AS ?year)
       (GROUP_CONCAT(DISTINCT ?stage_; separator="{VALUE_SEPARATOR}") AS ?lifecycle_stage)
       (GROUP_CONCAT(DISTINCT ?actor_; separator="{VALUE_SEPARATOR}") AS ?actor)
       (GROUP_CONCAT(DISTINCT ?function_; separator="{VALUE_SEPARATOR}") AS ?risk_management_function)
WHERE {{
  ?iri a mg:Mitigation .
  OPTIONAL {{ ?iri rdfs:label ?label_ }}
  OPTIONAL {{
    ?iri mg:inCategory ?c .
    OPTIONAL {{ ?c skos:notation ?code_ }}
    OPTIONAL {{ ?c skos:prefLabel ?category_ }}
  }}
  OPTIONAL {{
    ?iri mg:citedIn ?s .
    OPTIONAL {{ ?s dcterms:title ?title_ }}
    OPTIONAL {{ ?s dcterms:issued ?year_ }}
  }}
  OPTIONAL {{ ?iri mg:lifecycleStage/skos:prefLabel ?stage_ }}
  OPTIONAL {{ ?iri mg:actor/skos:prefLabel ?actor_ }}
  OPTIONAL {{ ?iri mg:riskManagementFunction/skos:prefLabel ?function_ }}
}}
GROUP BY ?iri
ORDER BY ?iri
"""
"""One row per mitigation, ordered by IRI so the file changes only when the data does."""


def write_mitigation_table(store: Store, output: BinaryOutput) -> None:
    """Every mitigation in the store's default graph as a CSV row under the header COLUMNS."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    output.write(codecs.BOM_UTF8)
    solutions = store.query(sparql_prologue() + ROWS_QUERY)
    assert isinstance(solutions, QuerySolutions)
    for number, row in enumerate(solutions, start=1):
        writer.writerow([_cell(row[column]) for column in COLUMNS])
        if number % ROWS_PER_WRITE == 0:
            output.write(text.getvalue().encode("utf-8"))
            text.seek(0)
            text.truncate()
    output.write(text.getvalue().encode("utf-8"))


def _cell(term: object) -> str:
    return getattr(term, "value", "") if term is not None else ""
