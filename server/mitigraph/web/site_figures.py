"""What the pages show about the whole graph: the taxonomy with its members and counts, the home counts, the
facet counts, the coverage matrix and the search index (mitigraph.web.search_index).

Each is read once, when the store's site cache is written (mitigraph.site_cache), never per request: a page
then only slices these figures and looks up the entities it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mitigraph.store import GraphReader
from mitigraph.web.page_queries import code_key, readable_tail, shorten
from mitigraph.web.search_index import SearchEntry, SearchIndex, SearchResults, read_search_index

__all__ = [
    "CategoryNode",
    "Counts",
    "Coverage",
    "CoverageRow",
    "FacetValue",
    "SearchEntry",
    "SearchIndex",
    "SearchResults",
    "Taxonomy",
    "read_counts",
    "read_coverage",
    "read_facet_counts",
    "read_search_index",
    "read_taxonomy",
]


@dataclass(frozen=True)
class CategoryNode:
    iri: str
    code: str
    """The category's code ("1.1.3"), or "" for a provisional category learnt with no confirmed code."""
    name: str
    definition: str
    parent: str | None
    children: tuple[str, ...]
    members: tuple[str, ...]
    """The mitigations classified in this very category, in label order."""
    total: int
    """Mitigations in this category and every category below it."""
    incomplete: int
    """Of `total`, the records whose saved navigator page was cut off (mg:pageIncomplete)."""
    provisional: bool
    """Learnt from imported pages and not yet confirmed by the reference taxonomy (mg:provisional)."""

    @property
    def direct(self) -> int:
        return len(self.members)

    @property
    def title(self) -> str:
        """What pages call it: its name, else the start of its description (a provisional category may
        have no name), never an empty string or "None"."""
        return self.name or shorten(self.definition) or self.code or readable_tail(self.iri)


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

    def walk(self, start: str | None = None) -> Iterator[tuple[CategoryNode, int]]:
        """Every category (or `start` and those below it) with its depth, parents before children."""
        if start is not None and start not in self.nodes:
            return
        stack = [(start, 0)] if start is not None else [(iri, 0) for iri in reversed(self.roots)]
        seen: set[str] = set()
        while stack:
            iri, depth = stack.pop()
            if iri in seen:
                continue
            seen.add(iri)
            node = self.nodes[iri]
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(node.children))

    def subtree(self, iri: str) -> list[str]:
        """The category and every category below it, parents first."""
        return [node.iri for node, _ in self.walk(iri)]

    def members(self, iri: str, *, offset: int, limit: int) -> list[tuple[str, str]]:
        """(mitigation, category) for one page of the mitigations in `iri` and below: category by
        category in tree order, each in label order. Whole categories are skipped by their size, so a
        late page costs no more than the first."""
        page: list[tuple[str, str]] = []
        for node, _ in self.walk(iri):
            if offset >= node.direct:
                offset -= node.direct
                continue
            page += [(member, node.iri) for member in node.members[offset : offset + limit - len(page)]]
            offset = 0
            if len(page) >= limit:
                break
        return page


CATEGORIES = """
SELECT ?c (SAMPLE(?code_) AS ?code) (SAMPLE(?name_) AS ?name) (SAMPLE(?definition_) AS ?definition)
       (SAMPLE(?parent_) AS ?parent) (SAMPLE(?provisional_) AS ?provisional)
WHERE {
  ?c a mg:Category .
  OPTIONAL { ?c skos:notation ?code_ }
  OPTIONAL { ?c skos:prefLabel ?name_ }
  OPTIONAL { ?c skos:definition ?definition_ }
  OPTIONAL { ?c mg:subcategoryOf ?parent_ }
  OPTIONAL { ?c mg:provisional ?provisional_ }
} GROUP BY ?c
"""
MEMBERS = """
SELECT ?m ?c (MIN(?label_) AS ?label) WHERE { ?m mg:inCategory ?c OPTIONAL { ?m rdfs:label ?label_ } }
GROUP BY ?m ?c
"""
INCOMPLETE_PER_CATEGORY = """
SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:inCategory ?c ; mg:pageIncomplete true } GROUP BY ?c
"""


def read_taxonomy(reader: GraphReader) -> Taxonomy:
    rows = {row["c"].value: row for row in reader.select(CATEGORIES)}
    members = _members_by_category(reader)
    parents = {iri: row["parent"].value for iri, row in rows.items() if row.get("parent", None) is not None}
    parents = {iri: parent for iri, parent in parents.items() if parent in rows}
    codes = {iri: row["code"].value if "code" in row else "" for iri, row in rows.items()}
    names = {iri: row["name"].value if "name" in row else "" for iri, row in rows.items()}
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)

    def order(iri: str) -> tuple[object, ...]:
        return (code_key(codes[iri]), names[iri].casefold(), iri)

    for siblings in children.values():
        siblings.sort(key=order)
    totals = subtree_totals({iri: len(found) for iri, found in members.items()}, children, set(rows))
    incomplete = subtree_totals(
        {row["c"].value: int(row["n"].value) for row in reader.select(INCOMPLETE_PER_CATEGORY)},
        children,
        set(rows),
    )
    nodes = {
        iri: CategoryNode(
            iri=iri,
            code=codes[iri],
            name=names[iri],
            definition=row["definition"].value if "definition" in row else "",
            parent=parents.get(iri),
            children=tuple(children.get(iri, ())),
            members=members.get(iri, ()),
            total=totals[iri],
            incomplete=incomplete[iri],
            provisional="provisional" in row and row["provisional"].value in ("true", "1"),
        )
        for iri, row in rows.items()
    }
    roots = tuple(sorted((iri for iri in rows if iri not in parents), key=order))
    return Taxonomy(nodes=nodes, roots=roots)


def _members_by_category(reader: GraphReader) -> dict[str, tuple[str, ...]]:
    labelled: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in reader.select(MEMBERS):
        label = row["label"].value if "label" in row else readable_tail(row["m"].value)
        labelled[row["c"].value].append((label.casefold(), row["m"].value))
    return {category: tuple(iri for _, iri in sorted(found)) for category, found in labelled.items()}


def subtree_totals(
    direct: Mapping[str, int], children: Mapping[str, list[str]], known: set[str]
) -> dict[str, int]:
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
    incomplete: int
    """Records whose saved navigator page was cut off."""
    uncategorised: int
    """Records with no category (placeholders known only from a title path)."""
    categories: int
    provisional_categories: int
    uncoded_categories: int
    """Categories with no code: learnt from pages, their code not yet known."""
    sources: int
    authors: int
    limitations: int
    curated_links: int
    nist_risks: int
    """Distinct NIST AI 600-1 GenAI risks records are tagged with."""
    nist_tasks: int
    """Distinct NIST AI actor tasks records are tagged with."""
    nist_tagged: int
    """Records with at least one NIST tag."""


COUNTS = """
SELECT
  (COUNT(DISTINCT ?m) AS ?mitigations) (COUNT(DISTINCT ?i) AS ?incomplete)
  (COUNT(DISTINCT ?u) AS ?uncategorised) (COUNT(DISTINCT ?c) AS ?categories)
  (COUNT(DISTINCT ?pc) AS ?provisional_categories) (COUNT(DISTINCT ?uc) AS ?uncoded_categories)
  (COUNT(DISTINCT ?s) AS ?sources) (COUNT(DISTINCT ?a) AS ?authors)
  (COUNT(DISTINCT ?l) AS ?limitations) (COUNT(DISTINCT ?link) AS ?curated_links)
  (COUNT(DISTINCT ?risk) AS ?nist_risks) (COUNT(DISTINCT ?task) AS ?nist_tasks)
  (COUNT(DISTINCT ?tagged) AS ?nist_tagged)
WHERE {
  { ?m a mg:Mitigation } UNION { ?i a mg:Mitigation ; mg:pageIncomplete true }
  UNION { ?u a mg:Mitigation FILTER NOT EXISTS { ?u mg:inCategory ?anyCategory } }
  UNION { ?c a mg:Category } UNION { ?pc a mg:Category ; mg:provisional true }
  UNION { ?uc a mg:Category FILTER NOT EXISTS { ?uc skos:notation ?anyCode } }
  UNION { ?s a mg:Source } UNION { ?x a mg:Source ; dcterms:creator ?a } UNION { ?l a mg:Limitation }
  UNION { ?x mg:addressesLimitation ?y BIND(CONCAT(STR(?x), " ", STR(?y)) AS ?link) }
  UNION { ?x mg:nistGenAIRisk ?risk } UNION { ?x mg:nistActorTask ?task }
  UNION { ?tagged mg:nistGenAIRisk|mg:nistActorTask ?anyTag }
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
SELECT ?value (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?value a ?class .
  VALUES ?class { mg:LifecycleStage mg:Actor mg:RiskManagementFunction }
  OPTIONAL { ?m mg:lifecycleStage|mg:actor|mg:riskManagementFunction ?value }
} GROUP BY ?value
"""
NIST_TAGS = """
SELECT ?value (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:nistGenAIRisk|mg:nistActorTask ?value } GROUP BY ?value
"""


def read_facet_counts(reader: GraphReader) -> dict[str, int]:
    """Mitigations tagged with each facet value, and with each NIST risk and actor task."""
    return {
        row["value"].value: int(row["n"].value)
        for row in (*reader.select(FACET_VALUES), *reader.select(NIST_TAGS))
    }


LIFECYCLE_STAGES = """
SELECT ?stage (SAMPLE(?label_) AS ?label) WHERE {
  ?stage a mg:LifecycleStage . OPTIONAL { ?stage skos:prefLabel ?label_ }
} GROUP BY ?stage
"""
COUNTS_PER_CATEGORY_AND_STAGE = """
SELECT ?c ?stage (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:inCategory ?c ; mg:lifecycleStage ?stage }
GROUP BY ?c ?stage
"""
UNSTAGED_PER_CATEGORY = """
SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?m mg:inCategory ?c FILTER NOT EXISTS { ?m mg:lifecycleStage ?anyStage }
} GROUP BY ?c
"""


@dataclass(frozen=True)
class CoverageRow:
    node: CategoryNode
    depth: int
    counts: tuple[int, ...]
    """Mitigations in the category and below at each stage, in the matrix's `stages` order."""
    unstaged: int
    """Mitigations in the category and below that carry no lifecycle stage (most listed items)."""


@dataclass(frozen=True)
class Coverage:
    """Category x lifecycle stage counts, each category counting its subcategories too."""

    stages: tuple[FacetValue, ...]
    rows: tuple[CoverageRow, ...]
    maximum: int
    """The largest count of one category at one stage (the heat map's darkest shade)."""


def read_coverage(reader: GraphReader, taxonomy: Taxonomy) -> Coverage:
    by_stage: dict[str, dict[str, int]] = defaultdict(dict)
    for row in reader.select(COUNTS_PER_CATEGORY_AND_STAGE):
        by_stage[row["stage"].value][row["c"].value] = int(row["n"].value)
    labels = {
        row["stage"].value: row["label"].value if "label" in row else readable_tail(row["stage"].value)
        for row in reader.select(LIFECYCLE_STAGES)
    }
    stages = tuple(
        sorted(
            (
                FacetValue(iri=iri, label=labels.get(iri, readable_tail(iri)), count=0)
                for iri in {*by_stage, *labels}
            ),
            key=lambda stage: stage.label.casefold(),
        )
    )
    children = {iri: list(node.children) for iri, node in taxonomy.nodes.items()}
    known = set(taxonomy.nodes)
    per_stage = [subtree_totals(by_stage.get(stage.iri, {}), children, known) for stage in stages]
    unstaged = subtree_totals(
        {row["c"].value: int(row["n"].value) for row in reader.select(UNSTAGED_PER_CATEGORY)}, children, known
    )
    rows = tuple(
        CoverageRow(
            node=node,
            depth=depth,
            counts=tuple(totals[node.iri] for totals in per_stage),
            unstaged=unstaged[node.iri],
        )
        for node, depth in taxonomy.walk()
    )
    maximum = max((count for row in rows for count in row.counts), default=0)
    return Coverage(stages=stages, rows=rows, maximum=maximum)
