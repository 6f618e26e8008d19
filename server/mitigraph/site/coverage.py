"""What `/coverage` shows, computed once when the site is written: two maps of the taxonomy's categories.

- by lifecycle stage: how many records of each category (its subcategories included) carry each stage, the
  stages in lifecycle order (the SKOS ordered collection `data/facets.ttl` states; label order for a stage
  it does not list), with the records that carry no stage;
- by source: which documents cover which categories, the sources with the most records first, with the
  records whose pages show no source.

Each map has its column totals and the number of records in all: a record with two stages counts once in
each of their columns and once in "all", so a row's cells need not add up to its total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import NamedNode

from mitigraph.site.collections import collection_orders
from mitigraph.site.labels import readable_tail
from mitigraph.site.taxonomy import CategoryNode, Taxonomy, subtree_totals
from mitigraph.store import GraphReader

MAX_MAP_SOURCES = 12
"""Sources given a column of their own in the category x source map (those with the most records); the
map counts, for every category, how many sources in all cover it."""

STAGE = "mg:lifecycleStage"
SOURCE = "mg:citedIn|^mg:cites"
"""The property paths from a record to what a column stands for."""

CELLS = """
SELECT ?c ?v (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m mg:inCategory ?c OPTIONAL {{ ?m {path} ?v }} {only} }}
GROUP BY ?c ?v
"""
"""Records per category and column; unbound ?v: the records with none (no stage, no source shown)."""
COLUMN_TOTALS = """
SELECT ?v (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m mg:inCategory ?c OPTIONAL {{ ?m {path} ?v }} }} GROUP BY ?v
"""
SPREAD = """
SELECT ?top (COUNT(DISTINCT ?v) AS ?n) WHERE {{ ?c mg:subcategoryOf* ?top . ?m mg:inCategory ?c ; {path} ?v }}
GROUP BY ?top
"""
"""How many columns (sources) have a record in each category or below it."""
CLASSIFIED = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:inCategory ?c }"
STAGE_LABELS = """
SELECT ?v (SAMPLE(?label_) AS ?label) WHERE {
  ?v a mg:LifecycleStage . OPTIONAL { ?v skos:prefLabel ?label_ }
} GROUP BY ?v
"""
SOURCE_LABELS = """
SELECT ?v (SAMPLE(?label_) AS ?label) WHERE { ?v a mg:Source . OPTIONAL { ?v dcterms:title ?label_ } }
GROUP BY ?v
"""


@dataclass(frozen=True)
class Column:
    iri: str
    label: str
    total: int
    """Records classified in some category that carry this stage (or cite this source)."""


@dataclass(frozen=True)
class CoverageRow:
    node: CategoryNode
    depth: int
    counts: tuple[int, ...]
    """Records in the category and below, for each of the map's columns in order."""
    missing: int
    """Records in the category and below with no stage (no source shown)."""
    spread: int
    """How many columns of all (not only those shown) have a record in the category or below."""


@dataclass(frozen=True)
class CategoryMap:
    """Categories (rows, in taxonomy order) by stage or source (columns)."""

    columns: tuple[Column, ...]
    rows: tuple[CoverageRow, ...]
    maximum: int
    """The largest cell (the heat map's darkest shade)."""
    missing: int
    """Classified records with no stage (no source shown)."""
    classified: int
    """Records classified in some category: the map's "all"."""
    all_columns: int
    """Stages (sources) in the graph; the map shows `columns`, the first of them."""


@dataclass(frozen=True)
class Coverage:
    stages: CategoryMap
    sources: CategoryMap


def read_coverage(reader: GraphReader, taxonomy: Taxonomy, *, map_sources: int = MAX_MAP_SOURCES) -> Coverage:
    """Both maps; the source map gives its own column to the `map_sources` sources with the most records."""
    classified = int(reader.select(CLASSIFIED)[0]["n"].value)
    orders = collection_orders(reader)
    return Coverage(
        stages=_category_map(
            reader,
            taxonomy,
            path=STAGE,
            labels=_labels(reader, STAGE_LABELS),
            order=lambda column: (orders.get(column.iri, len(orders)), column.label.casefold(), column.iri),
            classified=classified,
        ),
        sources=_category_map(
            reader,
            taxonomy,
            path=SOURCE,
            labels=_labels(reader, SOURCE_LABELS),
            order=lambda column: (-column.total, column.label.casefold(), column.iri),
            classified=classified,
            shown=map_sources,
        ),
    )


def _category_map(
    reader: GraphReader,
    taxonomy: Taxonomy,
    *,
    path: str,
    labels: Mapping[str, str],
    order: Callable[[Column], tuple[int, str, str]],
    classified: int,
    shown: int | None = None,
) -> CategoryMap:
    """The map of one kind of column: the column totals first (they rank the sources), then the cells of
    the columns shown only, each query grouped by the store."""
    totals: dict[str | None, int] = {}
    for row in reader.rows(COLUMN_TOTALS.format(path=path)):
        totals[row["v"].value if "v" in row else None] = int(row["n"].value)
    every = sorted(
        (
            Column(iri=iri, label=labels.get(iri) or readable_tail(iri), total=totals.get(iri, 0))
            for iri in {*labels, *(iri for iri in totals if iri is not None)}
        ),
        key=order,
    )
    columns = tuple(every if shown is None else every[:shown])
    only = "" if len(columns) == len(every) else f"FILTER(!BOUND(?v) || ?v IN ({_terms(columns)}))"
    direct: dict[str | None, dict[str, int]] = {}
    for row in reader.rows(CELLS.format(path=path, only=only)):
        direct.setdefault(row["v"].value if "v" in row else None, {})[row["c"].value] = int(row["n"].value)
    children = {iri: list(node.children) for iri, node in taxonomy.nodes.items()}
    known = set(taxonomy.nodes)
    per_column = [subtree_totals(direct.get(column.iri, {}), children, known) for column in columns]
    missing = subtree_totals(direct.get(None, {}), children, known)
    spread = (
        {}
        if len(columns) == len(every)
        else {row["top"].value: int(row["n"].value) for row in reader.rows(SPREAD.format(path=path))}
    )
    rows = tuple(
        CoverageRow(
            node=node,
            depth=depth,
            counts=tuple(totals[node.iri] for totals in per_column),
            missing=missing[node.iri],
            spread=spread.get(node.iri, 0),
        )
        for node, depth in taxonomy.walk()
    )
    return CategoryMap(
        columns=columns,
        rows=rows,
        maximum=max((count for row in rows for count in row.counts), default=0),
        missing=totals.get(None, 0),
        classified=classified,
        all_columns=len(every),
    )


def _labels(reader: GraphReader, query: str) -> dict[str, str]:
    return {row["v"].value: row["label"].value if "label" in row else "" for row in reader.rows(query)}


def _terms(columns: Iterable[Column]) -> str:
    """The columns' IRIs as SPARQL terms for an IN list (NamedNode checks each is a valid IRI)."""
    return ", ".join(str(NamedNode(column.iri)) for column in columns)
