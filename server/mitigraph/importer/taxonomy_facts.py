"""What a batch learnt about the taxonomy: each category, each learnt fact, and the evidence for it.

A fact (a code, name, description or parent) keeps every page and line it was seen on, and stays
provisional until a second page shows it; a fact reached by elimination always stays provisional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from mitigraph.importer.reference import KnownCategory

CONFIRMING_PAGES = 2
"""A learnt fact shown by fewer distinct pages than this stays provisional (mg:provisional true)."""


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


@dataclass(frozen=True)
class LearntTaxonomy:
    categories: dict[URIRef, LearntCategory]
    record_categories: tuple[URIRef, ...]
    """The category of each page's own record, in the order of the pages."""

    def by_code(self, code: str) -> LearntCategory:
        return next(c for c in self.categories.values() if c.code == code)

    def chain(self, iri: URIRef) -> list[LearntCategory]:
        """The category and its ancestors."""
        chain = []
        current: URIRef | None = iri
        while current is not None:
            chain.append(self.categories[current])
            current = self.categories[current].parent
        return chain
