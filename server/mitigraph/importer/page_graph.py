"""Turn one read page, with what the batch learnt, into RDF: the page graph and its derived labels.

The page graph holds what the page states, with IRIs resolved across the batch (so an item listed on many
pages is one node). Derived labels are kept apart because no page states them: `--merge` puts them in the
curated labels file, where curators rewrite them, and never in the generated page files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, XSD

from mitigraph.importer.derived_labels import derive_label
from mitigraph.importer.errors import WarningKind, WarningLog
from mitigraph.importer.merging import PageJoin, Placeholder
from mitigraph.importer.reading import navigator_id
from mitigraph.importer.records import Author, ListedItem, ParsedPage, SourceBlock
from mitigraph.importer.reference import ReferenceTerms
from mitigraph.importer.shared_nodes import add_category_chain, add_facet_value, add_nist_concept
from mitigraph.importer.taxonomy_facts import LearntTaxonomy
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


class _Builder:
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

    def add(self, subject: URIRef, predicate: URIRef, value: URIRef | Literal) -> None:
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
        agents = [self._add_agent(author.written) for author in block.authors]
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
        author = Author(written)
        agent = self.minter.agent(written)
        self.add(agent, RDF.type, FOAF.Person if author.is_person else FOAF.Organization)
        self.add(agent, FOAF.name, Literal(author.display_name))
        if author.is_person:
            self.add(agent, FOAF.familyName, Literal(author.family_name))
            if author.given_name:
                self.add(agent, FOAF.givenName, Literal(author.given_name))
        return agent

    def add_record(self, category: URIRef) -> None:
        head, record = self.parsed.head, self.record
        self.add(record, RDF.type, MG.Mitigation)
        self.add(record, MG.inCategory, category)
        add_category_chain(self.graph, category, taxonomy=self.taxonomy, terms=self.terms)
        definition = self.taxonomy.categories[category].definition_text
        if definition:
            self.add(category, SKOS.definition, Literal(definition))
        text = self.parsed.record_text
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
            value = add_facet_value(self.graph, choice, terms=self.terms, log=self.log)
            self.add(record, FACET_PROPERTIES[choice.facet], value)
        if head.nist is not None:
            for risk in head.nist.risks:
                self.add(
                    record,
                    MG.nistGenAIRisk,
                    add_nist_concept(self.graph, NIST_GENAI_RISKS, risk, terms=self.terms),
                )
            for task in head.nist.actor_tasks:
                self.add(
                    record,
                    MG.nistActorTask,
                    add_nist_concept(self.graph, NIST_ACTOR_TASKS, task, terms=self.terms),
                )
        if not self.join.record_titled:
            fallback = f"Record {self.parsed.page_id} (its saved page shows no text)"
            self._add_derived_label(record, text or (head.reasoning.text if head.reasoning else fallback))

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
