"""Turn one read page, with what the batch learnt, into RDF: the page graph and its derived labels.

The page graph holds what the page states, with IRIs resolved across the batch (so an item listed on many
pages is one node), and the nodes of the concepts it points to: categories (bare, see `taxonomy`), facet
values (the reference's, or new ones the page defines) and NIST risks and actor tasks (labelled as the page
writes them). Derived labels are kept apart because no page states them: `--merge` puts them in the curated
labels file, where curators rewrite them, and never in the generated page files. They are mechanical on
purpose: the same text always gives the same label, and the record keeps `mg:labelIsDerived true`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, XSD
from rdflib.term import Node

from mitigraph.importer.merging import PageJoin, Placeholder
from mitigraph.importer.records import FacetChoice, ListedItem, ParsedPage, SourceBlock
from mitigraph.importer.taxonomy import LearntTaxonomy, ReferenceTerms, add_category_chain
from mitigraph.importer.text import WarningKind, WarningLog, navigator_id, normalised
from mitigraph.iris import (
    ACTOR,
    LIFECYCLE_STAGE,
    NIST_ACTOR_TASKS,
    NIST_GENAI_RISKS,
    RISK_MANAGEMENT_FUNCTION,
)
from mitigraph.namespaces import BIBO, MG, bind_prefixes

PARAGRAPH_BREAK = "\n\n"
YEAR_IN_TEXT = re.compile(r"\b(19|20)\d{2}\b")
FACET_PROPERTIES = {
    LIFECYCLE_STAGE: MG.lifecycleStage,
    ACTOR: MG.actor,
    RISK_MANAGEMENT_FUNCTION: MG.riskManagementFunction,
}
FACET_CLASSES = {
    LIFECYCLE_STAGE: MG.LifecycleStage,
    ACTOR: MG.Actor,
    RISK_MANAGEMENT_FUNCTION: MG.RiskManagementFunction,
}
FACET_PREDICATES = (RDF.type, SKOS.prefLabel, SKOS.inScheme, SKOS.topConceptOf)
NIST_SCHEMES = {
    NIST_GENAI_RISKS: ("NIST AI 600-1 generative AI risks", "https://doi.org/10.6028/NIST.AI.600-1"),
    NIST_ACTOR_TASKS: ("NIST AI RMF AI actor tasks", "https://doi.org/10.6028/NIST.AI.100-1"),
}
MAX_LABEL_WORDS = 8
MIN_CLAUSE_WORDS = 4
"""A shorter clause (`Stage: Detection; ...`) is a field name or value, not what the text is about."""
CLAUSE_END = re.compile(r"(?<=[.!?:;])\s")
TRAILING_WORDS = frozenset(
    {"a", "an", "and", "as", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)


@dataclass(frozen=True)
class PageGraphs:
    graph: Graph
    derived_labels: Graph


def page_iri(page_id: str, *, terms: ReferenceTerms, url: str | None = None) -> URIRef:
    """The navigator's own address for `A<digits>` pages, else a page node under our base."""
    if url:
        return URIRef(url)
    record_id = navigator_id(page_id)
    return terms.minter.navigator_page(record_id) if record_id else terms.minter.page(page_id)


def build_page_graphs(
    parsed: ParsedPage,
    join: PageJoin,
    *,
    category: URIRef,
    taxonomy: LearntTaxonomy,
    terms: ReferenceTerms,
    log: WarningLog,
    url: str | None = None,
) -> PageGraphs:
    builder = _Builder(parsed, join, taxonomy=taxonomy, terms=terms, log=log, url=url)
    builder.add_page_node()
    builder.add_source(parsed.source)
    builder.add_record(category)
    builder.add_items(parsed.items)
    for placeholder in join.placeholders:
        builder.add_placeholder(placeholder)
    for one, other in join.near_duplicates:
        builder.add(one, MG.nearDuplicateOf, other)
    return PageGraphs(graph=builder.graph, derived_labels=builder.derived)


def derive_label(text: str) -> str:
    """The first clause of at least a few words, cut to a few words (with '…' when cut)."""
    clauses = [clause.rstrip(".!?:;, ") for clause in CLAUSE_END.split(text.strip())]
    first = next((clause for clause in clauses if len(clause.split()) >= MIN_CLAUSE_WORDS), clauses[0])
    words = first.split()
    if len(words) <= MAX_LABEL_WORDS:
        return first
    kept = words[:MAX_LABEL_WORDS]
    while len(kept) > 1 and kept[-1].lower().strip(",") in TRAILING_WORDS:
        kept.pop()
    return " ".join(kept).rstrip(",;:") + "…"


class _Builder:
    """One page's graph and its derived labels, built step by step by `build_page_graphs`."""

    def __init__(
        self,
        parsed: ParsedPage,
        join: PageJoin,
        *,
        taxonomy: LearntTaxonomy,
        terms: ReferenceTerms,
        log: WarningLog,
        url: str | None,
    ) -> None:
        self.parsed, self.join, self.taxonomy, self.terms, self.log = parsed, join, taxonomy, terms, log
        self.minter = terms.minter
        self.graph = bind_prefixes(Graph(), base=self.minter.base)
        self.derived = bind_prefixes(Graph(), base=self.minter.base)
        self.record = join.record
        self.page = page_iri(parsed.page_id, terms=terms, url=url)

    def add(self, subject: URIRef, predicate: URIRef, value: Node) -> None:
        self.graph.add((subject, predicate, value))

    def add_page_node(self) -> None:
        page_id = self.parsed.page_id
        self.add(self.page, RDF.type, MG.NavigatorPage)
        self.add(self.page, RDFS.label, Literal(f"Navigator page {page_id}"))
        self.add(self.page, DCTERMS.identifier, Literal(page_id))
        if self.parsed.incomplete:
            self.add(self.page, MG.pageIncomplete, Literal(True))

    def cite(self, subject: URIRef) -> None:
        """The source the page or the batch shows, or the documented state that no saved page shows it."""
        if self.join.source is not None:
            self.add(subject, MG.citedIn, self.join.source)
        else:
            self.add(subject, MG.sourceNotShown, Literal(True))

    def add_source(self, block: SourceBlock | None) -> None:
        source = self.join.source
        if block is None or source is None:
            if source is None:
                self.log.warn(
                    WarningKind.NO_SOURCE,
                    None,
                    "no page of this source in the batch shows its source block: the records are marked "
                    "mg:sourceNotShown",
                )
            elif self.join.source_shown_on:
                shown = ", ".join(self.join.source_shown_on[:3])
                self.log.warn(
                    WarningKind.SOURCE_FOUND_BY_JOIN,
                    None,
                    f"the page shows no source block; pages listing the same items show it ({shown})",
                )
            return
        self.add(source, RDF.type, MG.Source)
        self.add(source, DCTERMS.title, Literal(block.title))
        if block.year is not None:
            self.add(source, DCTERMS.issued, Literal(block.year, datatype=XSD.gYear))
        if block.abstract:
            self.add(source, DCTERMS.abstract, Literal(PARAGRAPH_BREAK.join(block.abstract)))
            self._check_abstract(source, block)
        agents = [self._add_agent(author) for author in block.authors]
        if agents:
            cells = [self.minter.author_list_cell(source, n) for n in range(1, len(agents) + 1)]
            for cell, agent, rest in zip(cells, agents, [*cells[1:], RDF.nil], strict=True):
                self.add(cell, RDF.first, agent)
                self.add(cell, RDF.rest, rest)
            self.add(source, BIBO.authorList, cells[0])
        for agent in agents:
            self.add(source, DCTERMS.creator, agent)

    def _check_abstract(self, source: URIRef, block: SourceBlock) -> None:
        """An abstract that speaks of years after the document's own may belong to another document."""
        if block.year is None:
            return
        later = sorted(
            {m.group(0) for text in block.abstract for m in YEAR_IN_TEXT.finditer(text)} - {block.year}
        )
        later = [year for year in later if year > block.year]
        if later:
            doubt = (
                f"The abstract the page shows mentions {', '.join(later)}, later than the document's year "
                f"{block.year}: it may be another document's abstract."
            )
            self.add(source, MG.abstractDoubt, Literal(doubt))
            self.log.warn(WarningKind.ABSTRACT_DOUBT, block.abstract_line, doubt)

    def _add_agent(self, written: str) -> URIRef:
        """An author as the page writes it: `Family, Given` is a person, anything else an organisation."""
        agent = self.minter.agent(written)
        person = "," in written
        family, _, given = (part.strip() for part in written.partition(","))
        self.add(agent, RDF.type, FOAF.Person if person else FOAF.Organization)
        self.add(agent, FOAF.name, Literal(f"{given} {family}".strip() if person else written))
        if person:
            self.add(agent, FOAF.familyName, Literal(family))
            if given:
                self.add(agent, FOAF.givenName, Literal(given))
        return agent

    def add_record(self, category: URIRef) -> None:
        head, record = self.parsed.head, self.record
        self.add(record, RDF.type, MG.Mitigation)
        self.add(record, MG.inCategory, category)
        add_category_chain(self.graph, category, taxonomy=self.taxonomy, terms=self.terms)
        definition = self.taxonomy.categories[category].definition_text
        if definition:
            self.add(category, SKOS.definition, Literal(definition))
        text = PARAGRAPH_BREAK.join(line.text for line in head.record_text)
        if text:
            self.add(record, DCTERMS.description, Literal(text))
        elif not self.parsed.incomplete:
            self.log.warn(
                WarningKind.NO_RECORD_TEXT,
                (head.also_in or head.category_description).number + 1,
                "the page shows no record text",
            )
        if head.reasoning is not None:
            self.add(record, MG.reasoning, Literal(head.reasoning.text))
        self.cite(record)
        self.add(record, PROV.wasDerivedFrom, self.page)
        if self.parsed.incomplete:
            self.add(record, MG.pageIncomplete, Literal(True))
        if self.parsed.heading is not None:
            self.add(record, MG.pageHeading, Literal(self.parsed.heading.text))
        record_id = navigator_id(self.parsed.page_id)
        if record_id is not None:
            self.add(record, MG.navigatorId, Literal(record_id))
        for choice in self.parsed.facets:
            self.add(record, FACET_PROPERTIES[choice.facet], self._add_facet_value(choice))
        if head.nist is not None:
            for risk in head.nist.risks:
                self.add(record, MG.nistGenAIRisk, self._add_nist_concept(NIST_GENAI_RISKS, risk))
            for task in head.nist.actor_tasks:
                self.add(record, MG.nistActorTask, self._add_nist_concept(NIST_ACTOR_TASKS, task))
        if not self.join.record_titled:
            fallback = f"Record {self.parsed.page_id} (its saved page shows no text)"
            self._add_derived_label(record, text or (head.reasoning.text if head.reasoning else fallback))

    def _add_facet_value(self, choice: FacetChoice) -> URIRef:
        """The facet value the page names: the reference's (its definition kept) or a new one."""
        known = self.terms.facet_value(choice.facet, choice.name)
        if known is None:
            return self._add_new_facet_value(choice)
        for predicate in FACET_PREDICATES:
            for value in self.terms.graph.objects(known.iri, predicate):
                self.add(known.iri, predicate, value)
        shown = choice.definition
        if known.definition is None or shown is None or normalised(known.definition) == normalised(shown):
            definition = known.definition or shown
            if definition:
                self.add(known.iri, SKOS.definition, Literal(definition))
        else:
            self.log.warn(
                WarningKind.FACET_VALUE,
                choice.line,
                f"the page defines {choice.facet} {known.name!r} as {shown!r}, the reference as "
                f"{known.definition!r}; the reference's definition is kept",
            )
        return known.iri

    def _add_new_facet_value(self, choice: FacetChoice) -> URIRef:
        iri = self.minter.facet_value(choice.facet, choice.name)
        scheme = self.minter.facet_scheme(choice.facet)
        self.log.warn(
            WarningKind.FACET_VALUE,
            choice.line,
            f"new {choice.facet} value {choice.name!r}: created with the definition the page shows",
        )
        self.add(iri, RDF.type, FACET_CLASSES[choice.facet])
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, SKOS.prefLabel, Literal(choice.name))
        if choice.definition:
            self.add(iri, SKOS.definition, Literal(choice.definition))
        self.add(iri, SKOS.inScheme, scheme)
        self.add(iri, SKOS.topConceptOf, scheme)
        return iri

    def _add_nist_concept(self, scheme_name: str, name: str) -> URIRef:
        """A NIST risk or actor task as a SKOS concept labelled as the page writes it, in its scheme."""
        minter = self.minter
        iri = (
            minter.nist_genai_risk(name) if scheme_name == NIST_GENAI_RISKS else minter.nist_actor_task(name)
        )
        scheme = minter.nist_scheme(scheme_name)
        label, document = NIST_SCHEMES[scheme_name]
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, SKOS.prefLabel, Literal(label))
        self.add(scheme, DCTERMS.source, URIRef(document))
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, SKOS.prefLabel, Literal(name))
        self.add(iri, SKOS.inScheme, scheme)
        self.add(iri, SKOS.topConceptOf, scheme)
        return iri

    def _add_derived_label(self, record: URIRef, text: str) -> None:
        self.derived.add((record, RDFS.label, Literal(derive_label(text))))
        self.derived.add((record, MG.labelIsDerived, Literal(True)))

    def add_items(self, items: tuple[ListedItem, ...]) -> None:
        for number, item in enumerate(items):
            iri = self.join.items[number]
            is_record = self.join.items_are_records[number]
            self.add(iri, RDF.type, MG.Mitigation)
            label, description = item.path[-1].label, PARAGRAPH_BREAK.join(item.description)
            if label:
                self.add(iri, RDFS.label, Literal(label))
            elif not is_record:
                self._add_derived_label(iri, description or "Untitled item")
            if item.path[-1].section_number:
                self.add(iri, MG.sectionNumber, Literal(item.path[-1].section_number))
            if not is_record:
                if description:
                    self.add(iri, DCTERMS.description, Literal(description))
                category = self.minter.category(item.category.code)
                self.add(iri, MG.inCategory, category)
                add_category_chain(self.graph, category, taxonomy=self.taxonomy, terms=self.terms)
            self.cite(iri)
            self.add(iri, PROV.wasDerivedFrom, self.page)
            parent = self.join.parents[number]
            if parent is not None:
                self.add(iri, MG.partOf, parent)

    def add_placeholder(self, placeholder: Placeholder) -> None:
        iri, part = placeholder.iri, placeholder.path[-1]
        self.add(iri, RDF.type, MG.Mitigation)
        self.add(iri, RDFS.label, Literal(part.label))
        self.add(iri, MG.placeholder, Literal(True))
        if part.section_number:
            self.add(iri, MG.sectionNumber, Literal(part.section_number))
        self.cite(iri)
        self.add(iri, PROV.wasDerivedFrom, self.page)
        if placeholder.parent is not None:
            self.add(iri, MG.partOf, placeholder.parent)
