"""The figures the pages show about the whole graph besides the taxonomy: the home counts, the facet counts
and the coverage matrix (category x lifecycle stage), each read from the store once, when the site is
written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mitigraph.site.labels import readable_tail
from mitigraph.site.taxonomy import CategoryNode, Taxonomy, subtree_totals
from mitigraph.store import GraphReader


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
