"""The taxonomy a page is read against, what a batch learns beyond it, and the learnt facts as RDF.

Pages show names and descriptions, never IRIs. `ReferenceTerms` indexes the categories of
`data/taxonomy.ttl` and the facet values of `data/facets.ttl` by the ways a page mentions them (compared in
`normalised` form), so that many imported pages reuse one set of IRIs and form one connected graph.

What the batch learns (see `taxonomy_learning`) is kept as facts: a code, name, description or parent, with
every page and line it was seen on. A fact stays provisional until a second page shows it; one reached by
elimination always does. A page graph carries only the bare category nodes it uses (type, code, scheme,
parent chain), so that it validates alone with the reference data; names, descriptions and evidence go once
into the learnt taxonomy graph (`data/taxonomy-learnt.ttl`), so that no two page files can disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from mitigraph.importer.text import normalised
from mitigraph.iris import FACETS, Minter
from mitigraph.namespaces import MG, bind_prefixes

CONFIRMING_PAGES = 2
"""A learnt fact shown by fewer distinct pages than this stays provisional (mg:provisional true)."""
REFERENCE_CATEGORY_PREDICATES = (RDF.type, SKOS.notation, SKOS.prefLabel, SKOS.inScheme, SKOS.topConceptOf)
FACT_PROPERTIES = {
    "code": SKOS.notation,
    "name": SKOS.prefLabel,
    "definition": SKOS.definition,
    "parent": MG.subcategoryOf,
}


def parent_code(code: str) -> str | None:
    """`1.1.3` -> `1.1`; a top-level code has no parent."""
    return code.rsplit(".", 1)[0] if "." in code else None


@dataclass(frozen=True)
class KnownCategory:
    iri: URIRef
    code: str
    name: str | None
    definition: str | None


@dataclass(frozen=True)
class KnownFacetValue:
    iri: URIRef
    name: str
    definition: str | None


class ReferenceTerms:
    """The categories and facet values of a reference graph, indexed the ways a page mentions them."""

    def __init__(self, graph: Graph, *, minter: Minter) -> None:
        self.graph = graph
        self.minter = minter
        self._by_code: dict[str, KnownCategory] = {}
        for iri in graph.subjects(RDF.type, MG.Category):
            code = graph.value(iri, SKOS.notation)
            if isinstance(iri, URIRef) and code is not None:
                name = graph.value(iri, SKOS.prefLabel)
                definition = graph.value(iri, SKOS.definition)
                self._by_code[str(code)] = KnownCategory(
                    iri=iri,
                    code=str(code),
                    name=str(name) if name is not None else None,
                    definition=str(definition) if definition is not None else None,
                )
        self._names_longest_first = sorted(
            (c.name for c in self._by_code.values() if c.name), key=lambda name: (-len(name), name)
        )
        self._facet_values = {facet: self._read_facet(facet) for facet in FACETS}

    def _read_facet(self, facet: str) -> dict[str, KnownFacetValue]:
        values: dict[str, KnownFacetValue] = {}
        for iri in self.graph.subjects(SKOS.inScheme, self.minter.facet_scheme(facet)):
            name = self.graph.value(iri, SKOS.prefLabel)
            if isinstance(iri, URIRef) and name is not None:
                definition = self.graph.value(iri, SKOS.definition)
                values[normalised(str(name))] = KnownFacetValue(
                    iri=iri, name=str(name), definition=str(definition) if definition is not None else None
                )
        return values

    def categories(self) -> list[KnownCategory]:
        return sorted(self._by_code.values(), key=lambda c: c.code)

    def category(self, code: str) -> KnownCategory | None:
        return self._by_code.get(code)

    def categories_described_as(self, description: str) -> list[KnownCategory]:
        wanted = normalised(description)
        return sorted(
            (c for c in self._by_code.values() if c.definition and normalised(c.definition) == wanted),
            key=lambda c: c.code,
        )

    def category_names_longest_first(self) -> list[str]:
        """Every known category name, longest first, so that `Model Architecture` wins over `Model`."""
        return list(self._names_longest_first)

    def facet_value(self, facet: str, name: str) -> KnownFacetValue | None:
        return self._facet_values[facet].get(normalised(name))

    def facet_names(self, facet: str) -> list[str]:
        return sorted(
            (value.name for value in self._facet_values[facet].values()), key=lambda n: (-len(n), n)
        )


@dataclass(frozen=True)
class Evidence:
    """One place a fact was seen: the page, the line, and what the line shows."""

    page_id: str
    line: int
    shows: str


@dataclass
class Fact:
    """A learnt value and where it was learnt; `shown_by` are the pages that show it themselves."""

    value: str
    evidence: list[Evidence] = field(default_factory=list)
    shown_by: set[str] = field(default_factory=set)
    by_elimination: bool = False

    @property
    def provisional(self) -> bool:
        return self.by_elimination or len(self.shown_by) < CONFIRMING_PAGES

    def note(self) -> str:
        """Where the fact was learnt, as a reader checks it: `A0048 line 3: <what the line shows>; ...`."""
        seen = "; ".join(
            f"{e.page_id} line {e.line}: {e.shows}"
            for e in sorted(self.evidence, key=lambda e: (e.page_id, e.line))
        )
        status = "provisional" if self.provisional else "confirmed"
        return f"Learnt from {seen}. {status.capitalize()}: shown by {len(self.shown_by)} page(s)."


@dataclass
class LearntCategory:
    """A category as the batch knows it: what the reference says, and each fact learnt beyond it."""

    iri: URIRef
    code: str | None
    parent: URIRef | None
    known: KnownCategory | None = None
    code_fact: Fact | None = None
    name: Fact | None = None
    definition: Fact | None = None
    parent_fact: Fact | None = None

    @property
    def provisional(self) -> bool:
        """Not in the reference and not confirmed by a second page (a category with no code always is)."""
        if self.known is not None:
            return False
        return self.code_fact is None or self.code_fact.provisional

    @property
    def definition_text(self) -> str | None:
        if self.known is not None and self.known.definition:
            return self.known.definition
        return self.definition.value if self.definition is not None else None

    @property
    def name_text(self) -> str | None:
        if self.known is not None and self.known.name:
            return self.known.name
        return self.name.value if self.name is not None else None

    def facts(self) -> list[tuple[str, Fact]]:
        """(what, fact) for each fact learnt with evidence: code, name, definition, parent."""
        facts = [
            ("code", self.code_fact),
            ("name", self.name),
            ("definition", self.definition),
            ("parent", self.parent_fact),
        ]
        return [(what, fact) for what, fact in facts if fact is not None and fact.evidence]


@dataclass(frozen=True)
class LearntTaxonomy:
    categories: dict[URIRef, LearntCategory]
    record_categories: tuple[URIRef, ...]
    """The category of each page's own record, in the order of the pages."""

    def chain(self, iri: URIRef) -> list[LearntCategory]:
        """The category and its ancestors."""
        chain = []
        current: URIRef | None = iri
        while current is not None:
            chain.append(self.categories[current])
            current = self.categories[current].parent
        return chain


def add_category_chain(graph: Graph, iri: URIRef, *, taxonomy: LearntTaxonomy, terms: ReferenceTerms) -> None:
    """The bare nodes of a category and its ancestors, as a page graph needs them to validate alone."""
    scheme = terms.minter.taxonomy()
    for category in taxonomy.chain(iri):
        if category.known is not None:
            for predicate in REFERENCE_CATEGORY_PREDICATES:
                for value in terms.graph.objects(category.iri, predicate):
                    graph.add((category.iri, predicate, value))
        else:
            graph.add((category.iri, RDF.type, MG.Category))
            graph.add((category.iri, RDF.type, SKOS.Concept))
            graph.add((category.iri, SKOS.inScheme, scheme))
            if category.code is not None:
                graph.add((category.iri, SKOS.notation, Literal(category.code)))
            else:
                graph.add((category.iri, MG.provisional, Literal(True)))
        if category.parent is not None:
            graph.add((category.iri, MG.subcategoryOf, category.parent))
            graph.add((category.iri, SKOS.broader, category.parent))
        elif category.known is None:
            graph.add((category.iri, SKOS.topConceptOf, scheme))


def learnt_taxonomy_graph(
    taxonomy: LearntTaxonomy, *, terms: ReferenceTerms, page_iri: dict[str, URIRef]
) -> Graph:
    """Every fact the batch learnt about categories, each with its evidence (pages, lines, provisional)."""
    minter = terms.minter
    graph = bind_prefixes(Graph(), base=minter.base)
    for category in sorted(taxonomy.categories.values(), key=lambda c: str(c.iri)):
        facts = category.facts()
        if not facts:
            continue
        add_category_chain(graph, category.iri, taxonomy=taxonomy, terms=terms)
        if category.known is None:
            graph.add((category.iri, MG.provisional, Literal(category.provisional)))
            if category.parent is None:
                graph.add((minter.taxonomy(), SKOS.hasTopConcept, category.iri))
        for what, fact in facts:
            if what in ("name", "definition"):
                graph.add((category.iri, FACT_PROPERTIES[what], Literal(fact.value)))
            node = minter.taxonomy_evidence(category.iri, what)
            graph.add((category.iri, MG.evidence, node))
            graph.add((node, RDF.type, MG.TaxonomyEvidence))
            graph.add((node, MG.learntProperty, FACT_PROPERTIES[what]))
            graph.add((node, MG.provisional, Literal(fact.provisional)))
            graph.add((node, RDFS.comment, Literal(fact.note())))
            for page_id in sorted({e.page_id for e in fact.evidence}):
                graph.add((node, PROV.wasDerivedFrom, page_iri[page_id]))
    return graph
