"""What the catalogue index holds, read from the store at build time by index scans, one predicate at a time
(a million quads a second; no query to plan, nothing held but what the index keeps).

Entities (everything under the base with a label or a text, and every mitigation and source), the facet
values each mitigation carries (its category and every broader category, stage, actor, function, source),
every value a filter can take with its IRI, label and place among the choices, and each mitigation's cells
of the CSV table (the columns of the download's CSV, mitigraph.mitigation_table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode

from mitigraph.mitigation_table import COLUMNS
from mitigraph.namespaces import DCTERMS, MG, RDF, SKOS, XSD
from mitigraph.site.labels import (
    LABEL_PREDICATES,
    TEXT_PREDICATES,
    best_literal,
    code_key,
    readable_tail,
    shorten,
)
from mitigraph.store import GraphReader

FACET_PATHS = {
    "stage": (str(MG.lifecycleStage), "lifecycle-stage"),
    "actor": (str(MG.actor), "actor"),
    "function": (str(MG.riskManagementFunction), "risk-management-function"),
    "source": (str(MG.citedIn), "source"),
}
"""Facet -> (the property a mitigation carries it by, the IRI path its values are minted under)."""
CELL_COLUMNS = {"stage": "lifecycle_stage", "actor": "actor", "function": "risk_management_function"}
"""Facets whose values' labels are columns of the CSV table."""
LISTED_CLASSES = {str(MG.Mitigation): "mitigation", str(MG.Source): "source"}
"""The classes whose every instance is listed (`/mitigations`, `/sources`), labelled or not."""
VALUE_LABELS = (str(SKOS.prefLabel), str(DCTERMS.title))
NO_CODE = "~"


class EntityRow(NamedTuple):
    iri: str
    kind: str
    """What it is, for a reader: "mitigation" and "source" by class, else the IRI's first path segment with
    hyphens as spaces ("category", "lifecycle stage")."""
    listed_as: str
    """"mitigation" or "source" for an instance of mg:Mitigation or mg:Source, else ""."""
    label: str
    text: str
    sort_code: str
    """The taxonomy position of a mitigation's category ("001.002.003"); NO_CODE, which sorts after every
    code, for a mitigation without a coded category and for other entities."""
    category: str
    """The IRI of the category a mitigation is shown in (its first by code), "" when it has none."""
    incomplete: bool
    cells: Mapping[str, tuple[str, ...]]
    """A mitigation's values of the CSV columns after `iri` and `label` (COLUMNS), each sorted."""


class TagRow(NamedTuple):
    iri: str
    facet: str
    value: str


class ValueRow(NamedTuple):
    facet: str
    value: str
    iri: str
    label: str
    position: int
    depth: int


class CatalogueSource:
    """The store as the catalogue reads it: scans by predicate, each done once."""

    def __init__(self, reader: GraphReader, *, base: str) -> None:
        self.reader = reader
        self.base = base
        self._values: dict[str, dict[str, list[str]]] = {}
        self.listed = {
            subject: kind
            for cls, kind in LISTED_CLASSES.items()
            for subject in self.subjects(str(RDF.type), NamedNode(cls))
        }
        self.mitigations = frozenset(iri for iri, kind in self.listed.items() if kind == "mitigation")
        self.categories = set(self.subjects(str(RDF.type), NamedNode(str(MG.Category))))
        self.codes = {
            iri: value.value for iri, value in self.literals(str(SKOS.notation)) if iri in self.categories
        }
        self.parents: dict[str, list[str]] = defaultdict(list)
        for iri, value in self.pairs(str(MG.subcategoryOf)):
            if isinstance(value, NamedNode):
                self.parents[iri].append(value.value)
        self.direct = self.values_of_mitigations(str(MG.inCategory))

    def pairs(self, predicate: str) -> Iterator[tuple[str, NamedNode | BlankNode | Literal]]:
        """(subject IRI, object) of every triple with `predicate` in the default graph."""
        for quad in self.reader.store.quads_for_pattern(None, NamedNode(predicate), None, DefaultGraph()):
            subject = quad.subject
            if type(subject) is NamedNode:
                yield subject.value, quad.object  # type: ignore[misc]

    def literals(self, predicate: str) -> Iterator[tuple[str, Literal]]:
        return ((s, o) for s, o in self.pairs(predicate) if isinstance(o, Literal))

    def subjects(self, predicate: str, value: NamedNode) -> Iterator[str]:
        for quad in self.reader.store.quads_for_pattern(None, NamedNode(predicate), value, DefaultGraph()):
            if isinstance(quad.subject, NamedNode):
                yield quad.subject.value

    def values_of_mitigations(self, predicate: str) -> dict[str, list[str]]:
        """Mitigation IRI -> the IRIs it has for `predicate` (each predicate scanned once)."""
        if predicate not in self._values:
            found: dict[str, list[str]] = defaultdict(list)
            for subject, value in self.pairs(predicate):
                if subject in self.mitigations and isinstance(value, NamedNode):
                    found[subject].append(value.value)
            self._values[predicate] = found
        return self._values[predicate]

    def labels_of(self, predicates: Iterable[str], among: set[str]) -> dict[str, list[Literal]]:
        """IRI in `among` -> every literal of the first of `predicates` it has."""
        found: dict[str, list[Literal]] = {}
        for predicate in predicates:
            here: dict[str, list[Literal]] = defaultdict(list)
            for subject, value in self.literals(predicate):
                if subject in among and subject not in found:
                    here[subject].append(value)
            found.update(here)
        return found


def entity_rows(source: CatalogueSource) -> Iterator[EntityRow]:
    base = source.base
    labels = _best_values(source, LABEL_PREDICATES)
    texts = _best_values(source, TEXT_PREDICATES)
    incomplete = {s for s, v in source.literals(str(MG.pageIncomplete)) if _is_true(v)}
    cells = _cells(source)
    for iri in sorted(labels.keys() | texts.keys() | source.listed.keys()):
        text = texts.get(iri, "")
        shown = min(
            ((_sortable(source.codes.get(c, NO_CODE)), c) for c in source.direct.get(iri, ())), default=None
        )
        yield EntityRow(
            iri=iri,
            kind=source.listed.get(iri) or iri[len(base) :].split("/", 1)[0].replace("-", " "),
            listed_as=source.listed.get(iri, ""),
            label=labels.get(iri) or shorten(text) or readable_tail(iri),
            text=text,
            sort_code=shown[0] if shown else NO_CODE,
            category=shown[1] if shown else "",
            incomplete=iri in incomplete and iri in source.mitigations,
            cells=cells.get(iri, {}),
        )


def tag_rows(source: CatalogueSource) -> Iterator[TagRow]:
    tagged: dict[str, list[str]] = {}
    """A category -> the filter values of it and every category above it (worked out once each)."""
    for mitigation, categories in source.direct.items():
        values: set[str] = set()
        for category in categories:
            if category not in tagged:
                tagged[category] = [
                    _category_value(a, source) for a in _with_ancestors(category, source.parents)
                ]
            values.update(tagged[category])
        for value in sorted(values):
            yield TagRow(mitigation, "category", value)
    for facet, (prop, path) in FACET_PATHS.items():
        slugs: dict[str, str] = {}
        for mitigation, iris in source.values_of_mitigations(prop).items():
            for iri in dict.fromkeys(iris):
                if iri not in slugs:
                    slugs[iri] = _slug(iri, base=source.base, path=path)
                yield TagRow(mitigation, facet, slugs[iri])


def value_rows(source: CatalogueSource) -> Iterator[ValueRow]:
    names = source.labels_of((str(SKOS.prefLabel),), source.categories)
    definitions = source.labels_of((str(SKOS.definition),), source.categories)
    titles = {
        iri: best_literal(names.get(iri, []))
        or shorten(best_literal(definitions.get(iri, [])))
        or readable_tail(iri)
        for iri in source.categories
    }
    codes = source.codes
    ordered = sorted(
        source.categories, key=lambda iri: (code_key(codes.get(iri, NO_CODE)), titles[iri].casefold())
    )
    for position, iri in enumerate(ordered):
        code = codes.get(iri)
        label = f"{code} {titles[iri]}" if code and code != titles[iri] else titles[iri]
        depth = _depth(iri, source.parents)
        yield ValueRow("category", _category_value(iri, source), iri, label, position, depth)
    orders = _collection_orders(source.reader)
    for facet, (prop, path) in FACET_PATHS.items():
        used = {value for values in source.values_of_mitigations(prop).values() for value in values}
        found = source.labels_of(VALUE_LABELS, used)
        labels = {iri: best_literal(found.get(iri, [])) or readable_tail(iri) for iri in used}
        ranked = sorted(labels, key=lambda iri: (orders.get(iri, len(orders)), labels[iri].casefold(), iri))
        for position, iri in enumerate(ranked):
            yield ValueRow(facet, _slug(iri, base=source.base, path=path), iri, labels[iri], position, 0)


def _best_values(source: CatalogueSource, predicates: tuple[str, ...]) -> dict[str, str]:
    """IRI (under the base, or listed) -> its best literal of the first of `predicates` it has one of."""
    found: dict[str, str] = {}
    for predicate in predicates:
        literals: dict[str, list[Literal]] = defaultdict(list)
        for subject, value in source.literals(predicate):
            if subject not in found and (subject.startswith(source.base) or subject in source.listed):
                literals[subject].append(value)
        found.update((iri, best_literal(values)) for iri, values in literals.items())
    return found


def _cells(source: CatalogueSource) -> dict[str, dict[str, tuple[str, ...]]]:
    """Mitigation -> CSV column -> its values, as the download's CSV states them."""
    cells: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    category_names = source.labels_of((str(SKOS.prefLabel),), source.categories)
    for mitigation, categories in source.direct.items():
        for category in categories:
            if category in source.codes:
                cells[mitigation]["category_code"].add(source.codes[category])
            cells[mitigation]["category_name"].update(v.value for v in category_names.get(category, ()))
    cited = source.values_of_mitigations(FACET_PATHS["source"][0])
    sources = {value for values in cited.values() for value in values}
    titles = _all_literals(source, str(DCTERMS.title), sources)
    issued = _all_literals(source, str(DCTERMS.issued), sources)
    for mitigation, values in cited.items():
        for value in values:
            cells[mitigation]["source_title"].update(titles.get(value, ()))
            cells[mitigation]["year"].update(issued.get(value, ()))
    for facet, column in CELL_COLUMNS.items():
        tagged = source.values_of_mitigations(FACET_PATHS[facet][0])
        used = {value for values in tagged.values() for value in values}
        labels = _all_literals(source, str(SKOS.prefLabel), used)
        for mitigation, values in tagged.items():
            for value in values:
                cells[mitigation][column].update(labels.get(value, ()))
    return {
        iri: {column: tuple(sorted(found[column])) for column in COLUMNS if found.get(column)}
        for iri, found in cells.items()
    }


def _is_true(value: Literal) -> bool:
    """Equal to SPARQL's `true` (an xsd:boolean "true" or "1"), as the list's SPARQL query compares it."""
    return value.datatype.value == str(XSD.boolean) and value.value in ("true", "1")


def _all_literals(source: CatalogueSource, predicate: str, among: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for subject, value in source.literals(predicate):
        if subject in among:
            found[subject].append(value.value)
    return found


def _collection_orders(reader: GraphReader) -> dict[str, int]:
    """Member IRI -> its place in the SKOS ordered collection that lists it (the lifecycle stages)."""
    orders: dict[str, int] = {}
    query = "SELECT ?head WHERE { ?collection a skos:OrderedCollection ; skos:memberList ?head }"
    for row in reader.rows(query):
        cell, position = row["head"], 0
        while isinstance(cell, NamedNode | BlankNode) and cell.value != str(RDF.nil):
            facts = dict(reader.triples_about(cell))  # type: ignore[arg-type]
            member = facts.get(NamedNode(str(RDF.first)))
            if member is not None:
                orders.setdefault(member.value, position)
            position += 1
            cell = facts.get(NamedNode(str(RDF.rest)))  # type: ignore[assignment]
    return orders


def _with_ancestors(category: str, parents: Mapping[str, list[str]]) -> set[str]:
    """The category and every broader one, as `mg:subcategoryOf*` reaches them."""
    found, frontier = {category}, [category]
    while frontier:
        frontier = [p for c in frontier for p in parents.get(c, ()) if p not in found]
        found.update(frontier)
    return found


def _depth(category: str, parents: Mapping[str, list[str]]) -> int:
    """How far below the top the category sits, by its first parent (a cycle is cut)."""
    chain = [category]
    while parents.get(chain[-1]) and parents[chain[-1]][0] not in chain:
        chain.append(parents[chain[-1]][0])
    return len(chain) - 1


def _category_value(iri: str, source: CatalogueSource) -> str:
    """A category's filter value: its code, or (a provisional category without one) its IRI's tail."""
    return source.codes.get(iri) or _slug(iri, base=source.base, path="category")


def _slug(iri: str, *, base: str, path: str) -> str:
    prefix = f"{base}{path}/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


def _sortable(code: str) -> str:
    """ "1.10.2" -> "001.010.002", so codes sort in taxonomy order as text."""
    return ".".join(part.zfill(3) if part.isdigit() else part for part in code.split("."))
