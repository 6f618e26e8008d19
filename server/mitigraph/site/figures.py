"""The figures the pages show about the whole graph besides the taxonomy and the coverage maps
(mitigraph.site.coverage): the home counts and the facet counts, each read from the store once, when the
site is written.
"""

from __future__ import annotations

from dataclasses import dataclass

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
