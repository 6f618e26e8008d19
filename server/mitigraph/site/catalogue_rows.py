"""What the catalogue index holds, read from the store with a few whole-graph queries at build time.

Entities (everything under the base with a label or a text, and every mitigation and source), the facet
values each mitigation carries (its category and every broader category, stage, actor, function, source),
and every value a filter can take with its label and its place in the list of choices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode

from mitigraph.namespaces import DCTERMS, FOAF, RDF, RDFS, SCHEMA, SKOS
from mitigraph.store import GraphReader

LABELS = tuple(str(term) for term in (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name, SCHEMA.name))
"""Where an entity's label is, best first."""
TEXTS = tuple(str(term) for term in (DCTERMS.description, SKOS.definition, DCTERMS.abstract))
"""Where an entity's searchable text is, best first."""
FACET_PATHS = {
    "stage": ("mg:lifecycleStage", "lifecycle-stage"),
    "actor": ("mg:actor", "actor"),
    "function": ("mg:riskManagementFunction", "risk-management-function"),
    "source": ("mg:citedIn", "source"),
}
"""Facet -> (the property a mitigation carries it by, the IRI path its values are minted under)."""


@dataclass(frozen=True)
class EntityRow:
    iri: str
    kind: str
    """The IRI's first path segment, hyphens as spaces ("mitigation", "category", "lifecycle stage")."""
    label: str
    text: str
    sort_code: str
    """The taxonomy position of a mitigation's category ("001.002.003"), "" for other entities."""
    incomplete: bool


@dataclass(frozen=True)
class TagRow:
    iri: str
    facet: str
    value: str


@dataclass(frozen=True)
class ValueRow:
    facet: str
    value: str
    label: str
    position: int
    depth: int


ENTITY_VALUES = f"""
SELECT ?x ?p ?v ?base WHERE {{
  VALUES ?p {{ {" ".join(f"<{iri}>" for iri in LABELS + TEXTS)} }}
  ?x ?p ?v .
  FILTER(isIRI(?x) && isLiteral(?v) && STRSTARTS(STR(?x), ?base))
}}
"""
LISTED = """
SELECT DISTINCT ?x ?base WHERE {
  VALUES ?class { mg:Mitigation mg:Source }
  ?x a ?class .
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), ?base))
}
"""
INCOMPLETE = "SELECT ?x WHERE { ?x a mg:Mitigation ; mg:pageIncomplete true }"
CATEGORIES = """
SELECT ?c ?code ?label ?parent WHERE {
  ?c a mg:Category .
  OPTIONAL { ?c skos:notation ?code }
  OPTIONAL { ?c skos:prefLabel ?label }
  OPTIONAL { ?c mg:subcategoryOf ?parent }
}
"""
CATEGORY_TAGS = "SELECT DISTINCT ?x ?c WHERE { ?x a mg:Mitigation ; mg:inCategory/mg:subcategoryOf* ?c }"
DIRECT_CATEGORY = "SELECT ?x ?c WHERE { ?x a mg:Mitigation ; mg:inCategory ?c }"
FACET_TAGS = "SELECT ?x ?v WHERE {{ ?x a mg:Mitigation ; {property} ?v . FILTER(isIRI(?v)) }}"
ORDERS = "SELECT ?collection ?head WHERE { ?collection a skos:OrderedCollection ; skos:memberList ?head }"
"""A facet's values in their own order (the lifecycle stages) come from a SKOS ordered collection."""


def entity_rows(reader: GraphReader, *, base: str) -> Iterator[EntityRow]:
    values: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    for row in reader.select(ENTITY_VALUES, base=Literal(base)):
        values[row["x"].value][row["p"].value].append(row["v"])  # type: ignore[arg-type]
    listed = {row["x"].value for row in reader.select(LISTED, base=Literal(base))}
    incomplete = {row["x"].value for row in reader.select(INCOMPLETE)}
    codes = _category_codes(reader)
    sort_codes: dict[str, str] = {}
    for row in reader.select(DIRECT_CATEGORY):
        code = _sortable(codes.get(row["c"].value, "~"))
        sort_codes[row["x"].value] = min(code, sort_codes.get(row["x"].value, code))
    for iri in sorted(values.keys() | listed):
        found = values.get(iri, {})
        yield EntityRow(
            iri=iri,
            kind=iri[len(base) :].split("/", 1)[0].replace("-", " "),
            label=_first(found, LABELS) or _readable_tail(iri),
            text=_first(found, TEXTS),
            sort_code=sort_codes.get(iri, ""),
            incomplete=iri in incomplete,
        )


def tag_rows(reader: GraphReader, *, base: str) -> Iterator[TagRow]:
    codes = _category_codes(reader)
    for row in reader.select(CATEGORY_TAGS):
        yield TagRow(row["x"].value, "category", _category_value(row["c"].value, codes, base=base))
    for facet, (prop, path) in FACET_PATHS.items():
        for row in reader.select(FACET_TAGS.format(property=prop)):
            yield TagRow(row["x"].value, facet, _slug(row["v"].value, base=base, path=path))


def value_rows(reader: GraphReader, *, base: str) -> Iterator[ValueRow]:
    categories = {row["c"].value: row for row in reader.select(CATEGORIES)}
    codes = _category_codes(reader)
    parents = {iri: row["parent"].value for iri, row in categories.items() if "parent" in row}
    ordered = sorted(
        categories, key=lambda iri: (_sortable(codes.get(iri, "~")), _label(categories[iri], iri))
    )
    for position, iri in enumerate(ordered):
        code = codes.get(iri)
        name = _label(categories[iri], iri)
        yield ValueRow(
            "category",
            _category_value(iri, codes, base=base),
            f"{code} {name}" if code else name,
            position,
            _depth(iri, parents),
        )
    orders = _collection_orders(reader)
    for facet, (prop, path) in FACET_PATHS.items():
        labels: dict[str, str] = {}
        for row in reader.select(f"SELECT DISTINCT ?v WHERE {{ ?x {prop} ?v . FILTER(isIRI(?v)) }}"):
            labels[row["v"].value] = ""
        for iri in labels:
            rows = reader.select(
                "SELECT ?v ?label WHERE { ?v skos:prefLabel|dcterms:title ?label }", v=NamedNode(iri)
            )
            labels[iri] = rows[0]["label"].value if rows else _readable_tail(iri)
        ranked = sorted(labels, key=lambda iri: (orders.get(iri, len(orders)), labels[iri].casefold()))
        for position, iri in enumerate(ranked):
            yield ValueRow(facet, _slug(iri, base=base, path=path), labels[iri], position, 0)


def _collection_orders(reader: GraphReader) -> dict[str, int]:
    """Member IRI -> its place in the SKOS ordered collection that lists it."""
    orders: dict[str, int] = {}
    for row in reader.select(ORDERS):
        cell = row["head"]
        position = 0
        while isinstance(cell, NamedNode | BlankNode) and cell.value != str(RDF.nil):
            facts = dict(reader.triples_about(cell))  # type: ignore[arg-type]
            member = facts.get(NamedNode(str(RDF.first)))
            if member is not None:
                orders.setdefault(member.value, position)
            position += 1
            cell = facts.get(NamedNode(str(RDF.rest)))  # type: ignore[assignment]
    return orders


def _category_codes(reader: GraphReader) -> dict[str, str]:
    return {
        row["c"].value: row["code"].value
        for row in reader.select("SELECT ?c ?code WHERE { ?c a mg:Category ; skos:notation ?code }")
    }


def _category_value(iri: str, codes: dict[str, str], *, base: str) -> str:
    """A category's filter value: its code, or (a provisional category without one) its IRI's tail."""
    return codes.get(iri) or _slug(iri, base=base, path="category")


def _slug(iri: str, *, base: str, path: str) -> str:
    prefix = f"{base}{path}/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


def _sortable(code: str) -> str:
    """ "1.10.2" -> "001.010.002", so codes sort in taxonomy order as text."""
    return ".".join(part.zfill(3) if part.isdigit() else part for part in code.split("."))


def _depth(iri: str, parents: dict[str, str]) -> int:
    depth, seen = 0, {iri}
    while iri in parents and parents[iri] not in seen:
        iri = parents[iri]
        seen.add(iri)
        depth += 1
    return depth


def _first(found: dict[str, list[Literal]], predicates: tuple[str, ...]) -> str:
    for predicate in predicates:
        literals = found.get(predicate)
        if literals:
            preferred = sorted(literals, key=lambda lit: (lit.language not in (None, "en"), lit.value))
            return preferred[0].value
    return ""


def _label(row: Mapping[str, object], iri: str) -> str:
    label = row.get("label")
    return label.value if isinstance(label, Literal) else _readable_tail(iri)


def _readable_tail(iri: str) -> str:
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.replace("-", " ").strip() or iri
