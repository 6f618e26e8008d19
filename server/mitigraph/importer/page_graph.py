"""Turn a read page into RDF: the page graph (what the page states) and the derived-labels graph.

Derived labels are kept apart because they are not stated by the page: `--merge` puts them in the
curated labels file, where curators rewrite them, and never in the generated page files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD
from rdflib.term import BNode

from mitigraph.importer.derived_labels import derive_label
from mitigraph.importer.errors import WarningLog
from mitigraph.importer.model import Author, ListedItem, ParsedPage, SourceBlock
from mitigraph.importer.reference_nodes import CategoryNodes, add_facet_value
from mitigraph.importer.taxonomy_match import KnownCategory, ReferenceTerms, normalised
from mitigraph.importer.titles import TitlePart, title_path
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION
from mitigraph.namespaces import BIBO, MG, bind_prefixes

NAVIGATOR_ID = re.compile(r"^A\d+$")
PARAGRAPH_BREAK = "\n\n"
FACET_PROPERTIES = {
    LIFECYCLE_STAGE: MG.lifecycleStage,
    ACTOR: MG.actor,
    RISK_MANAGEMENT_FUNCTION: MG.riskManagementFunction,
}


@dataclass(frozen=True)
class PageGraphs:
    record: URIRef
    page: URIRef
    graph: Graph
    derived_labels: Graph


def navigator_id(page_id: str) -> str | None:
    """`A2244` names a navigator record; other page ids (saved files) do not."""
    return page_id if NAVIGATOR_ID.match(page_id) else None


def build_page_graphs(
    parsed: ParsedPage,
    *,
    own_category: KnownCategory,
    terms: ReferenceTerms,
    log: WarningLog,
    url: str | None = None,
) -> PageGraphs:
    builder = _Builder(parsed, terms=terms, log=log, url=url)
    builder.add_page_node()
    builder.add_source(parsed.source)
    builder.add_record(own_category)
    builder.add_items(parsed.items)
    return PageGraphs(
        record=builder.record, page=builder.page, graph=builder.graph, derived_labels=builder.derived
    )


class _Builder:
    def __init__(
        self, parsed: ParsedPage, *, terms: ReferenceTerms, log: WarningLog, url: str | None
    ) -> None:
        self.parsed = parsed
        self.terms = terms
        self.minter = terms.minter
        self.log = log
        self.graph = bind_prefixes(Graph(), base=self.minter.base)
        self.derived = bind_prefixes(Graph(), base=self.minter.base)
        self.categories = CategoryNodes(self.graph, terms=terms, log=log)
        self.record = self.minter.page_record(parsed.page_id)
        self.page = URIRef(url) if url else self._page_iri(parsed.page_id)
        self.source = (
            self.minter.source(parsed.source.title)
            if parsed.source is not None
            else self.minter.untitled_source(parsed.page_id)
        )

    def _page_iri(self, page_id: str) -> URIRef:
        if navigator_id(page_id):
            return self.minter.navigator_page(page_id)
        return self.minter.page(page_id)

    def add(self, subject: URIRef, predicate: URIRef, value: URIRef | Literal | BNode) -> None:
        self.graph.add((subject, predicate, value))

    def add_page_node(self) -> None:
        page_id = self.parsed.page_id
        self.add(self.page, RDF.type, MG.NavigatorPage)
        self.add(self.page, RDFS.label, Literal(f"Navigator page {page_id}"))
        self.add(self.page, DCTERMS.identifier, Literal(page_id))

    def add_source(self, block: SourceBlock | None) -> None:
        self.add(self.source, RDF.type, MG.Source)
        if block is None:
            self.add(self.source, MG.placeholder, Literal(True))
            line = self.parsed.facets[0].line if self.parsed.facets else None
            self.log.warn(
                line, "the page has no source block: its records cite an untitled placeholder source"
            )
            return
        self.add(self.source, DCTERMS.title, Literal(block.title))
        if block.year is not None:
            self.add(self.source, DCTERMS.issued, Literal(block.year, datatype=XSD.gYear))
        if block.abstract:
            self.add(self.source, DCTERMS.abstract, Literal(PARAGRAPH_BREAK.join(block.abstract)))
        agents = [self._add_agent(author.written) for author in block.authors]
        if agents:
            cells = [self.minter.author_list_cell(self.source, n) for n in range(1, len(agents) + 1)]
            for cell, agent, rest in zip(cells, agents, [*cells[1:], RDF.nil], strict=True):
                self.add(cell, RDF.first, agent)
                self.add(cell, RDF.rest, rest)
            self.add(self.source, BIBO.authorList, cells[0])
        for agent in agents:
            self.add(self.source, DCTERMS.creator, agent)

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

    def add_record(self, category: KnownCategory) -> None:
        head = self.parsed.head
        record = self.record
        self.add(record, RDF.type, MG.Mitigation)
        self.add(record, MG.inCategory, self.categories.known(category, with_definition=True))
        text = PARAGRAPH_BREAK.join(line.text for line in head.record_text)
        if text:
            self.add(record, DCTERMS.description, Literal(text))
        else:
            self.log.warn(
                head.reasoning.number - 1,
                "the page shows no record text: the label is derived from the reasoning",
            )
        self.add(record, MG.reasoning, Literal(head.reasoning.text))
        self.add(record, MG.citedIn, self.source)
        self.add(record, PROV.wasDerivedFrom, self.page)
        if self.parsed.heading is not None:
            self.add(record, MG.pageHeading, Literal(self.parsed.heading.text))
        record_id = navigator_id(self.parsed.page_id)
        if record_id is not None:
            self.add(record, MG.navigatorId, Literal(record_id))
        for choice in self.parsed.facets:
            self.add(
                record,
                FACET_PROPERTIES[choice.facet],
                add_facet_value(self.graph, choice, terms=self.terms, log=self.log),
            )
        self._add_derived_label(record, text or head.reasoning.text)

    def _add_derived_label(self, record: URIRef, text: str) -> None:
        self.derived.add((record, RDFS.label, Literal(derive_label(text))))
        self.derived.add((record, MG.labelIsDerived, Literal(True)))

    def add_items(self, items: tuple[ListedItem, ...]) -> None:
        """Items keyed by their title path as written; the same path again gets `--2`, `--3`...

        Items whose paths differ only by section numbers (`Data Filtering`, `2.1 Data Filtering`) or that
        repeat a path are near duplicates: kept apart, and linked both ways.
        """
        paths = [title_path(item.title) for item in items]
        iris: list[URIRef] = []
        listings: dict[URIRef, list[int]] = defaultdict(list)
        for index, path in enumerate(paths):
            first = self._item_iri(path)
            listings[first].append(index)
            iris.append(self._item_iri(path, occurrence=len(listings[first])))
        for index, (item, path) in enumerate(zip(items, paths, strict=True)):
            self._add_item(iris[index], item, path)
            if len(path) > 1:
                parent = self._parent(path[:-1], index, iris, listings, line=item.title_line)
                self.add(iris[index], MG.partOf, parent)
        same_item: dict[tuple[str, ...], list[URIRef]] = defaultdict(list)
        for iri, item, path in zip(iris, items, paths, strict=True):
            if item.title:
                same_item[tuple(normalised(part.label) for part in path)].append(iri)
        for records in same_item.values():
            self._link_near_duplicates(records)

    def _item_iri(self, path: list[TitlePart], *, occurrence: int = 1) -> URIRef:
        return self.minter.listed_item(self.source, [part.written for part in path], occurrence)

    def _add_item(self, iri: URIRef, item: ListedItem, path: list[TitlePart]) -> None:
        self.add(iri, RDF.type, MG.Mitigation)
        label = path[-1].label
        description = PARAGRAPH_BREAK.join(item.description)
        if label:
            self.add(iri, RDFS.label, Literal(label))
        else:
            self._add_derived_label(iri, description or "Untitled item")
        if path[-1].section_number:
            self.add(iri, MG.sectionNumber, Literal(path[-1].section_number))
        if description:
            self.add(iri, DCTERMS.description, Literal(description))
        self.add(iri, MG.inCategory, self.categories.mentioned(item.category))
        self.add(iri, MG.citedIn, self.source)
        self.add(iri, PROV.wasDerivedFrom, self.page)

    def _parent(
        self,
        path: list[TitlePart],
        index: int,
        iris: list[URIRef],
        listings: dict[URIRef, list[int]],
        *,
        line: int,
    ) -> URIRef:
        """The listing of `path` nearest before item `index`, else the first after it, else a placeholder."""
        first = self._item_iri(path)
        listed = listings.get(first, [])
        before = [i for i in listed if i < index]
        if before:
            return iris[before[-1]]
        if listed:
            return iris[listed[0]]
        if (first, RDF.type, MG.Mitigation) not in self.graph:
            self._add_placeholder(first, path, iris, listings, line=line)
        return first

    def _add_placeholder(
        self,
        iri: URIRef,
        path: list[TitlePart],
        iris: list[URIRef],
        listings: dict[URIRef, list[int]],
        *,
        line: int,
    ) -> None:
        self.log.warn(
            line, f"{path[-1].label!r} is not listed, only named in a title path: created as a placeholder"
        )
        self.add(iri, RDF.type, MG.Mitigation)
        self.add(iri, RDFS.label, Literal(path[-1].label))
        self.add(iri, MG.placeholder, Literal(True))
        if path[-1].section_number:
            self.add(iri, MG.sectionNumber, Literal(path[-1].section_number))
        self.add(iri, MG.citedIn, self.source)
        self.add(iri, PROV.wasDerivedFrom, self.page)
        if len(path) > 1:
            self.add(iri, MG.partOf, self._parent(path[:-1], len(iris), iris, listings, line=line))

    def _link_near_duplicates(self, records: list[URIRef]) -> None:
        for one in records:
            for other in records:
                if one != other:
                    self.add(one, MG.nearDuplicateOf, other)
