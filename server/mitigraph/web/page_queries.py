"""The lookups a single page runs through GraphReader, and the plain records they turn the answers into.

Everything a page needs is read per request with the entity's IRI bound, so a request touches only the
index entries around that entity, whatever the size of the graph. What is about the whole graph lives in
the written site (mitigraph.site) and was computed once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Triple
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mitigraph.namespaces import BIBO, MG
from mitigraph.site.labels import (
    LABEL_PREDICATES,
    TEXT_PREDICATES,
    best_literal,
    is_true,
    readable_tail,
    shorten,
)
from mitigraph.store import GraphReader, Term

NOTATION = str(SKOS.notation)
PROVISIONAL = str(MG.provisional)
PAGE_INCOMPLETE = str(MG.pageIncomplete)
MARKERS: tuple[str, ...] = (NOTATION, PROVISIONAL, PAGE_INCOMPLETE)
"""What a link shows besides its label: a category's code and whether it is provisional, and whether a
record's saved navigator page was cut off."""
LINKED_LABEL_PREDICATES: tuple[str, ...] = (str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title))
"""The labels of linked IRIs that the RDF of an entity carries along with its own triples."""

MAX_LISTED = 50
"""Entities listed on one page of a listing (members of a category, search results, the catalogue)."""
MAX_SOURCE_ITEMS = 2000
MAX_INCOMING = 50
MAX_LIST_LENGTH = 1000
"""Longest author list followed."""


# ---------------------------------------------------------------- links with labels


@dataclass(frozen=True)
class Link:
    """A link to another entity as pages show it: always a label, never a bare IRI."""

    iri: str
    label: str
    href: str
    notation: str = ""
    provisional: bool = False
    """A category learnt from imported pages, not yet confirmed (mg:provisional)."""
    incomplete: bool = False
    """A record whose saved navigator page was cut off (mg:pageIncomplete)."""


class Linker:
    """Turns IRIs into Links: local IRIs to `/id/...` paths on this server, labels looked up in batches."""

    def __init__(self, reader: GraphReader, *, base: str) -> None:
        self._reader = reader
        self._base = base

    def href(self, iri: str) -> str:
        if iri.startswith(self._base):
            return "/id/" + iri[len(self._base) :]
        return iri

    def links(self, iris: Iterable[str]) -> dict[str, Link]:
        """A Link for every IRI; each label is an index lookup, so a page of links costs microseconds.

        An IRI with no label and no code is named by the start of its text (a provisional category is
        known by its description alone), looked up for those IRIs only.
        """
        wanted = sorted(set(iris))
        values = self._values(wanted, (*LABEL_PREDICATES, *MARKERS))
        unnamed = [
            iri for iri in wanted if not any(p in values.get(iri, {}) for p in (*LABEL_PREDICATES, NOTATION))
        ]
        texts = self._values(unnamed, TEXT_PREDICATES)
        return {iri: self._link(iri, values.get(iri, {}), texts.get(iri, {})) for iri in wanted}

    def _values(self, iris: Sequence[str], predicates: Sequence[str]) -> dict[str, dict[str, list[Literal]]]:
        values: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, value in label_rows(self._reader, iris, predicates) if iris else []:
            if isinstance(value, Literal):
                values[subject][predicate].append(value)
        return values

    def link(self, iri: str) -> Link:
        return self.links([iri])[iri]

    def _link(self, iri: str, values: dict[str, list[Literal]], texts: dict[str, list[Literal]]) -> Link:
        notation = best_literal(values.get(NOTATION, []))
        text = next((shorten(best_literal(texts[p])) for p in TEXT_PREDICATES if texts.get(p)), "")
        label = next(
            (best_literal(values[p]) for p in LABEL_PREDICATES if values.get(p)),
            notation or text or readable_tail(iri),
        )
        return Link(
            iri=iri,
            label=label,
            href=self.href(iri),
            notation=notation,
            provisional=is_true(values.get(PROVISIONAL, [])),
            incomplete=is_true(values.get(PAGE_INCOMPLETE, [])),
        )


def label_rows(
    reader: GraphReader, iris: Sequence[str], predicates: Sequence[str]
) -> list[tuple[str, str, Term]]:
    """(iri, predicate, value) for each of the given predicates of each IRI: one index lookup per pair."""
    return [
        (iri, predicate, value)
        for iri in iris
        for predicate in predicates
        for value in objects(reader, iri, predicate)
    ]


def objects(reader: GraphReader, subject: str | NamedNode | BlankNode, predicate: str) -> list[Term]:
    """The values of `subject predicate ?v` (RDF-star triples, which Mitigraph does not use, left out)."""
    node = NamedNode(subject) if isinstance(subject, str) else subject
    quads = reader.store.quads_for_pattern(node, NamedNode(predicate), None, DefaultGraph())
    return [q.object for q in quads if not isinstance(q.object, Triple)]


def subjects(
    reader: GraphReader, predicate: str | None, value: str, *, limit: int, offset: int = 0
) -> list[tuple[str, str]]:
    """(subject IRI, predicate) of `?s predicate value` (any predicate when None), one page of them."""
    quads = reader.store.quads_for_pattern(
        None, NamedNode(predicate) if predicate else None, NamedNode(value), DefaultGraph()
    )
    found = ((q.subject.value, q.predicate.value) for q in quads if isinstance(q.subject, NamedNode))
    return list(islice(found, offset, offset + limit))


# ---------------------------------------------------------------- one entity


class Statements:
    """An entity's own statements by predicate, with the lookups pages make."""

    def __init__(self, by_predicate: dict[str, list[Term]]) -> None:
        self._by_predicate = by_predicate

    def __bool__(self) -> bool:
        return bool(self._by_predicate)

    def predicates(self) -> list[str]:
        return sorted(self._by_predicate)

    def values(self, predicate: str) -> list[Term]:
        return list(self._by_predicate.get(predicate, ()))

    def iris(self, predicate: str) -> list[str]:
        return [value.value for value in self.values(predicate) if isinstance(value, NamedNode)]

    def text(self, predicate: str) -> str:
        """The predicate's literal value (English or untagged first), or ''."""
        return best_literal([value for value in self.values(predicate) if isinstance(value, Literal)])

    def label(self, iri: str) -> str:
        return next((self.text(p) for p in LABEL_PREDICATES if self.text(p)), "") or readable_tail(iri)


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, each once (links stated both ways appear once)."""
    return list(dict.fromkeys(items))


def outgoing(reader: GraphReader, iri: str) -> dict[str, list[Term]]:
    """The entity's own statements, by predicate; empty when the IRI is the subject of nothing."""
    by_predicate: dict[str, list[Term]] = defaultdict(list)
    for predicate, value in reader.triples_about(NamedNode(iri)):
        by_predicate[predicate.value].append(value)
    return dict(by_predicate)


def entity_triples(reader: GraphReader, iri: str) -> list[Triple]:
    """The RDF of an entity: its statements, the blank nodes they lead to, the labels of what it links to."""
    own = reader.description(NamedNode(iri))
    linked = sorted(
        {t.object.value for t in own if isinstance(t.object, NamedNode) and t.object.value != iri}
    )
    labels = [
        Triple(NamedNode(subject), NamedNode(predicate), value)
        for subject, predicate, value in (
            label_rows(reader, linked, LINKED_LABEL_PREDICATES) if linked else []
        )
    ]
    return own + labels


def subjects_linking(reader: GraphReader, iri: str, predicate: str, *, limit: int = MAX_LISTED) -> list[str]:
    """Subjects that state `?s predicate iri`, bounded."""
    return [subject for subject, _ in subjects(reader, predicate, iri, limit=limit)]


def incoming_statements(reader: GraphReader, iri: str, *, limit: int = MAX_INCOMING) -> list[tuple[str, str]]:
    """(subject, predicate) of statements that point at the entity, bounded."""
    return subjects(reader, None, iri, limit=limit)


def justified_links(reader: GraphReader, *, role: str, iri: str) -> dict[str, str]:
    """Curated `mitigation addresses limitation` links touching `iri`, with their one-line justification.

    The links are reified (rdf:Statement with mg:justification); `role` says whether `iri` is the
    statement's subject (a mitigation: keys are limitations) or its object (a limitation: keys are
    mitigations).
    """
    other = str(RDF.object) if role == str(RDF.subject) else str(RDF.subject)
    found: dict[str, str] = {}
    statements = reader.store.quads_for_pattern(None, NamedNode(role), NamedNode(iri), DefaultGraph())
    for quad in islice(statements, MAX_LISTED):
        statement = quad.subject
        if isinstance(statement, Triple) or NamedNode(str(MG.addressesLimitation)) not in objects(
            reader, statement, str(RDF.predicate)
        ):
            continue
        justification = best_literal(
            [v for v in objects(reader, statement, str(MG.justification)) if isinstance(v, Literal)]
        )
        for linked in objects(reader, statement, other):
            if isinstance(linked, NamedNode):
                found[linked.value] = justification
    return found


def justifications_from(reader: GraphReader, mitigation: str) -> dict[str, str]:
    """Limitation IRI -> the curated justification of `mitigation addresses it`."""
    return justified_links(reader, role=str(RDF.subject), iri=mitigation)


def justifications_to(reader: GraphReader, limitation: str) -> dict[str, str]:
    """Mitigation IRI -> the justification of its link to `limitation`."""
    return justified_links(reader, role=str(RDF.object), iri=limitation)


def authors(reader: GraphReader, source: str) -> list[str]:
    """The authors in the order the source gives them (bibo:authorList), else its creators by IRI."""
    for head in objects(reader, source, str(BIBO.authorList)):
        ordered = list_members(reader, head)
        if ordered:
            return ordered
    return sorted(v.value for v in objects(reader, source, str(DCTERMS.creator)) if isinstance(v, NamedNode))


def list_members(reader: GraphReader, head: Term) -> list[str]:
    """The IRIs in an rdf:List, in order (bounded, and safe against a list that loops)."""
    members: list[str] = []
    seen: set[Term] = set()
    node: Term | None = head
    while isinstance(node, BlankNode | NamedNode) and node not in seen and len(seen) < MAX_LIST_LENGTH:
        seen.add(node)
        members += [v.value for v in objects(reader, node, str(RDF.first)) if isinstance(v, NamedNode)]
        rest = objects(reader, node, str(RDF.rest))
        node = rest[0] if rest else None
    return members


def categories_of(reader: GraphReader, mitigation: str) -> list[str]:
    """The categories a record is classified in (one, as the shapes ask; none for a placeholder)."""
    return [c.value for c in objects(reader, mitigation, str(MG.inCategory)) if isinstance(c, NamedNode)]


def source_items(reader: GraphReader, source: str) -> list[tuple[str, str | None]]:
    """(mitigation, category or None) for every item the source describes, bounded."""
    cited = [s for s, _ in subjects(reader, str(MG.citedIn), source, limit=MAX_SOURCE_ITEMS)]
    listed = [v.value for v in objects(reader, source, str(MG.cites)) if isinstance(v, NamedNode)]
    items = unique([*cited, *listed])[:MAX_SOURCE_ITEMS]
    return [(item, next(iter(categories_of(reader, item)), None)) for item in items]


FACET_PREDICATES = (str(MG.lifecycleStage), str(MG.actor), str(MG.riskManagementFunction))
NIST_PREDICATES = (str(MG.nistGenAIRisk), str(MG.nistActorTask))
"""Tags a record carries like facets: the NIST AI 600-1 GenAI risk and the NIST AI actor task it names."""


def facet_members(reader: GraphReader, value: str, *, offset: int) -> list[str]:
    """One page of the mitigations tagged with the facet value (or NIST tag)."""
    tagged = chain.from_iterable(
        (s for s, _ in subjects(reader, predicate, value, limit=offset + MAX_LISTED))
        for predicate in (*FACET_PREDICATES, *NIST_PREDICATES)
    )
    return list(islice(tagged, offset, offset + MAX_LISTED))
