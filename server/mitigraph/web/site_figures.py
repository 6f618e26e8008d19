"""What the pages show about the whole graph: the taxonomy with its counts, the home counts, the facet
counts, the coverage matrix and the search index.

Each is read once, when the store's site cache is written (mitigraph.site_cache), never per request.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from pyoxigraph import Literal

from mitigraph.store import GraphReader
from mitigraph.web.page_queries import (
    LABEL_PREDICATES,
    TEXT_PREDICATES,
    best_literal,
    code_key,
    iri_list,
    readable_tail,
)


@dataclass(frozen=True)
class CategoryNode:
    iri: str
    code: str
    name: str
    definition: str
    parent: str | None
    children: tuple[str, ...]
    direct: int
    """Mitigations classified in this very category."""
    total: int
    """Mitigations in this category and every category below it."""


@dataclass(frozen=True)
class Taxonomy:
    nodes: dict[str, CategoryNode]
    roots: tuple[str, ...]

    def ancestors(self, iri: str) -> list[CategoryNode]:
        """From the top category down to the parent of `iri` (cycles, which shapes forbid, are cut)."""
        chain: list[CategoryNode] = []
        node = self.nodes.get(iri)
        while node is not None and node.parent in self.nodes and len(chain) < len(self.nodes):
            node = self.nodes[node.parent]
            chain.append(node)
        return list(reversed(chain))

    def subtree(self, iri: str) -> list[str]:
        """The category and every category below it."""
        found, stack = [], [iri]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.append(current)
            stack.extend(self.nodes[current].children if current in self.nodes else ())
        return found

    def walk(self) -> Iterator[tuple[CategoryNode, int]]:
        """Every category with its depth, parents before children, in code order."""
        stack = [(iri, 0) for iri in reversed(self.roots)]
        seen: set[str] = set()
        while stack:
            iri, depth = stack.pop()
            if iri in seen:
                continue
            seen.add(iri)
            node = self.nodes[iri]
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(node.children))


CATEGORIES = """
SELECT ?c (SAMPLE(?code_) AS ?code) (SAMPLE(?name_) AS ?name) (SAMPLE(?definition_) AS ?definition)
       (SAMPLE(?parent_) AS ?parent)
WHERE {
  ?c a mg:Category .
  OPTIONAL { ?c skos:notation ?code_ }
  OPTIONAL { ?c skos:prefLabel ?name_ }
  OPTIONAL { ?c skos:definition ?definition_ }
  OPTIONAL { ?c mg:subcategoryOf ?parent_ }
} GROUP BY ?c
"""
COUNTS_PER_CATEGORY = "SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:inCategory ?c } GROUP BY ?c"


def read_taxonomy(reader: GraphReader) -> Taxonomy:
    rows = reader.select(CATEGORIES)
    direct = {row["c"].value: int(row["n"].value) for row in reader.select(COUNTS_PER_CATEGORY)}
    known = {row["c"].value for row in rows}
    parents = {
        row["c"].value: row["parent"].value
        for row in rows
        if "parent" in row and row["parent"].value in known
    }
    codes = {row["c"].value: row["code"].value if "code" in row else "" for row in rows}
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    for siblings in children.values():
        siblings.sort(key=lambda iri: code_key(codes[iri]))
    totals = subtree_totals(direct, children, known)
    nodes = {
        row["c"].value: CategoryNode(
            iri=row["c"].value,
            code=codes[row["c"].value],
            name=row["name"].value if "name" in row else "",
            definition=row["definition"].value if "definition" in row else "",
            parent=parents.get(row["c"].value),
            children=tuple(children.get(row["c"].value, ())),
            direct=direct.get(row["c"].value, 0),
            total=totals[row["c"].value],
        )
        for row in rows
    }
    roots = tuple(sorted((iri for iri in known if iri not in parents), key=lambda iri: code_key(codes[iri])))
    return Taxonomy(nodes=nodes, roots=roots)


def subtree_totals(direct: dict[str, int], children: dict[str, list[str]], known: set[str]) -> dict[str, int]:
    """Counts including every subcategory, each computed once (memoised, iterative: no recursion limit)."""
    totals: dict[str, int] = {}
    for start in known:
        stack = [(start, False)]
        while stack:
            iri, expanded = stack.pop()
            if iri in totals:
                continue
            if expanded:
                totals[iri] = direct.get(iri, 0) + sum(
                    totals.get(child, 0) for child in children.get(iri, ())
                )
            else:
                stack.append((iri, True))
                stack.extend((child, False) for child in children.get(iri, ()) if child not in totals)
    return totals


@dataclass(frozen=True)
class Counts:
    mitigations: int
    categories: int
    sources: int
    authors: int
    limitations: int
    curated_links: int


COUNTS = """
SELECT
  (COUNT(DISTINCT ?m) AS ?mitigations) (COUNT(DISTINCT ?c) AS ?categories)
  (COUNT(DISTINCT ?s) AS ?sources) (COUNT(DISTINCT ?a) AS ?authors)
  (COUNT(DISTINCT ?l) AS ?limitations) (COUNT(DISTINCT ?link) AS ?curated_links)
WHERE {
  { ?m a mg:Mitigation } UNION { ?c a mg:Category } UNION { ?s a mg:Source }
  UNION { ?x a mg:Source ; dcterms:creator ?a } UNION { ?l a mg:Limitation }
  UNION { ?x mg:addressesLimitation ?y BIND(CONCAT(STR(?x), " ", STR(?y)) AS ?link) }
}
"""


def read_counts(reader: GraphReader) -> Counts:
    row = reader.select(COUNTS)[0]
    return Counts(**{name: int(row[name].value) for name in Counts.__dataclass_fields__})


@dataclass(frozen=True)
class FacetValue:
    iri: str
    label: str
    count: int


FACET_VALUES = """
SELECT ?value (SAMPLE(?label_) AS ?label) (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?value a ?class .
  VALUES ?class { mg:LifecycleStage mg:Actor mg:RiskManagementFunction }
  OPTIONAL { ?value skos:prefLabel ?label_ }
  OPTIONAL { ?m mg:lifecycleStage|mg:actor|mg:riskManagementFunction ?value }
} GROUP BY ?value
"""


def read_facet_counts(reader: GraphReader) -> dict[str, int]:
    """Mitigations tagged with each facet value."""
    return {row["value"].value: int(row["n"].value) for row in reader.select(FACET_VALUES)}


LIFECYCLE_STAGES = """
SELECT ?stage (SAMPLE(?label_) AS ?label) WHERE {
  ?stage a mg:LifecycleStage . OPTIONAL { ?stage skos:prefLabel ?label_ }
} GROUP BY ?stage
"""
COUNTS_PER_CATEGORY_AND_STAGE = """
SELECT ?c ?stage (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:inCategory ?c ; mg:lifecycleStage ?stage }
GROUP BY ?c ?stage
"""


@dataclass(frozen=True)
class Coverage:
    """Category x lifecycle stage counts, each category counting its subcategories too."""

    stages: tuple[FacetValue, ...]
    rows: tuple[tuple[CategoryNode, int, tuple[int, ...]], ...]
    """(category, depth, count per stage in `stages` order)."""
    maximum: int


def read_coverage(reader: GraphReader, taxonomy: Taxonomy) -> Coverage:
    direct: dict[tuple[str, str], int] = {
        (row["c"].value, row["stage"].value): int(row["n"].value)
        for row in reader.select(COUNTS_PER_CATEGORY_AND_STAGE)
    }
    stage_iris = {stage for _, stage in direct} | {
        row["stage"].value for row in reader.select(LIFECYCLE_STAGES)
    }
    stage_labels = {
        row["stage"].value: row["label"].value for row in reader.select(LIFECYCLE_STAGES) if "label" in row
    }
    stages = tuple(
        sorted(
            (
                FacetValue(iri=iri, label=stage_labels.get(iri, readable_tail(iri)), count=0)
                for iri in stage_iris
            ),
            key=lambda stage: stage.label.casefold(),
        )
    )
    rows = []
    for node, depth in taxonomy.walk():
        below = taxonomy.subtree(node.iri)
        rows.append((node, depth, tuple(sum(direct.get((c, s.iri), 0) for c in below) for s in stages)))
    maximum = max((count for _, _, counts in rows for count in counts), default=0)
    return Coverage(stages=stages, rows=tuple(rows), maximum=maximum)


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchEntry:
    iri: str
    label: str
    kind: str
    text: str


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[SearchEntry, ...]
    truncated: bool


class SearchIndex:
    """Every label, and every text, case-folded into one string with an entry per line.

    A search is then `str.find` over that string, which runs at C speed: about 30 MB of text at 100,000
    mitigations is scanned in a few milliseconds, with no index to keep in step with the graph.
    """

    def __init__(self, entries: Sequence[SearchEntry]) -> None:
        self.entries = tuple(entries)
        self._labels, self._label_starts = self._joined(entry.label for entry in self.entries)
        self._texts, self._text_starts = self._joined(entry.text for entry in self.entries)

    @staticmethod
    def _joined(values: Iterable[str]) -> tuple[str, list[int]]:
        lines = [" ".join(value.casefold().split()) for value in values]
        starts, position = [], 0
        for line in lines:
            starts.append(position)
            position += len(line) + 1
        return "\n".join(lines), starts

    @staticmethod
    def _matches(blob: str, starts: list[int], needle: str) -> Iterator[int]:
        """Indexes of the entries whose line contains `needle`, each once, in order."""
        position = blob.find(needle)
        while position != -1:
            index = bisect_right(starts, position) - 1
            yield index
            next_line = starts[index + 1] if index + 1 < len(starts) else len(blob)
            position = blob.find(needle, next_line)

    def search(self, text: str, *, limit: int) -> SearchResults:
        """Entities whose label, then whose text, contains `text` (case-insensitive), at most `limit`."""
        needle = " ".join(text.casefold().split())
        if not needle:
            return SearchResults(hits=(), truncated=False)
        found = list(islice(self._matches(self._labels, self._label_starts, needle), limit + 1))
        if len(found) <= limit:
            in_label = set(found)
            in_text = (i for i in self._matches(self._texts, self._text_starts, needle) if i not in in_label)
            found += islice(in_text, limit + 1 - len(found))
        return SearchResults(hits=tuple(self.entries[i] for i in found[:limit]), truncated=len(found) > limit)


SEARCHABLE = """
SELECT ?x ?p ?v ?base WHERE {
  VALUES ?p { %s }
  ?x ?p ?v .
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), ?base))
}
"""


def read_search_index(reader: GraphReader, *, base: str) -> SearchIndex:
    """Labels and texts of every entity under the base."""
    query = SEARCHABLE % iri_list((*LABEL_PREDICATES, *TEXT_PREDICATES))
    values: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    for row in reader.select(query, base=Literal(base)):
        if isinstance(row["v"], Literal):
            values[row["x"].value][row["p"].value].append(row["v"])
    entries = []
    for iri, by_predicate in sorted(values.items()):
        label = next((best_literal(by_predicate[p]) for p in LABEL_PREDICATES if by_predicate.get(p)), "")
        text = next((best_literal(by_predicate[p]) for p in TEXT_PREDICATES if by_predicate.get(p)), "")
        kind = iri[len(base) :].split("/", 1)[0].replace("-", " ")
        entries.append(SearchEntry(iri=iri, label=label or readable_tail(iri), kind=kind, text=text))
    return SearchIndex(entries)
