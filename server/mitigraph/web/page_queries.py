"""The SPARQL the pages run, through GraphReader, and the plain records they turn the answers into.

Two kinds of work live here. What every request would otherwise recompute over the whole graph (the
taxonomy with its counts, the home counts, the coverage matrix, the search index) is read once, when the
pages app is created. Everything a single page needs is read per request with the entity's IRI bound, so a
request touches only the index entries around that entity, whatever the size of the graph.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Triple
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from mitigraph.namespaces import BIBO, MG, SCHEMA
from mitigraph.store import GraphReader, Term

LABEL_PREDICATES: tuple[str, ...] = (
    str(RDFS.label),
    str(SKOS.prefLabel),
    str(DCTERMS.title),
    str(FOAF.name),
    str(SCHEMA.name),
)
"""Where a label is found, best first."""
NOTATION = str(SKOS.notation)
LINKED_LABEL_PREDICATES: tuple[str, ...] = (str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title))
"""The labels of linked IRIs that the RDF of an entity carries along with its own triples."""
TEXT_PREDICATES: tuple[str, ...] = (str(DCTERMS.description), str(SKOS.definition), str(DCTERMS.abstract))
"""Where the searchable text of an entity is."""

MAX_BLANK_NODE_DEPTH = 8
"""How deep the RDF of an entity follows blank nodes (author lists, reified statements)."""
MAX_LISTED = 100
"""Entities listed on one page before paging (members of a category, mitigations of a facet value)."""
MAX_SOURCE_ITEMS = 2000
MAX_INCOMING = 50
MAX_LIST_LENGTH = 1000
"""Longest author list followed."""


def iri_list(iris: Iterable[str]) -> str:
    """IRIs written as SPARQL terms for a VALUES clause; NamedNode checks each is a valid IRI."""
    return " ".join(str(NamedNode(iri)) for iri in iris)


def readable_tail(iri: str) -> str:
    """A readable name for an IRI with no label: its last path segment, hyphens as spaces."""
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.replace("-", " ").strip() or iri


# ---------------------------------------------------------------- links with labels


@dataclass(frozen=True)
class Link:
    """A link to another entity as pages show it: always a label, never a bare IRI."""

    iri: str
    label: str
    href: str
    notation: str = ""


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
        """A Link for every IRI; each label is an index lookup, so a page of links costs microseconds."""
        wanted = sorted(set(iris))
        found = label_rows(self._reader, wanted, (*LABEL_PREDICATES, NOTATION)) if wanted else []
        values: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, value in found:
            if isinstance(value, Literal):
                values[subject][predicate].append(value)
        return {iri: self._link(iri, values.get(iri, {})) for iri in wanted}

    def link(self, iri: str) -> Link:
        return self.links([iri])[iri]

    def _link(self, iri: str, values: dict[str, list[Literal]]) -> Link:
        notation = best_literal(values.get(NOTATION, []))
        label = next(
            (best_literal(values[p]) for p in LABEL_PREDICATES if values.get(p)),
            notation or readable_tail(iri),
        )
        return Link(iri=iri, label=label, href=self.href(iri), notation=notation)


def best_literal(literals: Sequence[Literal]) -> str:
    """English or untagged first, then any, so a page never shows an arbitrary language by accident."""
    preferred = sorted(literals, key=lambda lit: (lit.language not in (None, "en"), lit.value))
    return preferred[0].value if preferred else ""


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
    own = description_triples(reader, NamedNode(iri))
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


def description_triples(reader: GraphReader, subject: NamedNode) -> list[Triple]:
    """The concise bounded description: the subject's triples, following blank nodes to a fixed depth."""
    triples: list[Triple] = []
    frontier: list[NamedNode | BlankNode] = [subject]
    seen: set[NamedNode | BlankNode] = set()
    for _ in range(MAX_BLANK_NODE_DEPTH):
        next_frontier: list[NamedNode | BlankNode] = []
        for node in frontier:
            if node in seen:
                continue
            seen.add(node)
            for quad in reader.store.quads_for_pattern(node, None, None, DefaultGraph()):
                triples.append(quad.triple)
                if isinstance(quad.object, BlankNode):
                    next_frontier.append(quad.object)
        if not next_frontier:
            break
        frontier = next_frontier
    return triples


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


def source_items(reader: GraphReader, source: str) -> list[tuple[str, str | None]]:
    """(mitigation, category or None) for every item the source describes, bounded."""
    cited = [s for s, _ in subjects(reader, str(MG.citedIn), source, limit=MAX_SOURCE_ITEMS)]
    listed = [v.value for v in objects(reader, source, str(MG.cites)) if isinstance(v, NamedNode)]
    items = unique([*cited, *listed])[:MAX_SOURCE_ITEMS]
    return [
        (item, next((c.value for c in objects(reader, item, str(MG.inCategory))), None)) for item in items
    ]


def members(reader: GraphReader, taxonomy: Taxonomy, category: str, *, offset: int) -> list[tuple[str, str]]:
    """(mitigation, category) for one page of the mitigations in `category` and below, in code order.

    The counts kept in the taxonomy let whole categories be skipped, so a late page costs no more than
    an early one.
    """
    page: list[tuple[str, str]] = []
    for current in sorted(taxonomy.subtree(category), key=lambda iri: code_key(taxonomy.nodes[iri].code)):
        direct = taxonomy.nodes[current].direct
        if offset >= direct:
            offset -= direct
            continue
        wanted = MAX_LISTED - len(page)
        page += [
            (m, current)
            for m, _ in subjects(reader, str(MG.inCategory), current, limit=wanted, offset=offset)
        ]
        offset = 0
        if len(page) >= MAX_LISTED:
            break
    return page


FACET_PREDICATES = (str(MG.lifecycleStage), str(MG.actor), str(MG.riskManagementFunction))


def facet_members(reader: GraphReader, value: str, *, offset: int) -> list[str]:
    """One page of the mitigations tagged with the facet value."""
    tagged = chain.from_iterable(
        (s for s, _ in subjects(reader, predicate, value, limit=offset + MAX_LISTED))
        for predicate in FACET_PREDICATES
    )
    return list(islice(tagged, offset, offset + MAX_LISTED))


# ---------------------------------------------------------------- computed once, when the app starts


def code_key(code: str) -> tuple[tuple[int, str], ...]:
    """Sort codes as numbers segment by segment: 1.2 < 1.10 < 2 < 99.9."""
    return tuple((int(part), "") if part.isdigit() else (1 << 30, part) for part in code.split("."))


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
