"""JSON-LD compaction of one node at a time against the published context: what pyld's `compact` gives for
a graph, without holding the graph (pyld needs the whole expanded document in memory: minutes and
gigabytes at a million triples).

The context is fixed and simple (prefixes; terms naming one IRI with at most a type, a language or a list
container), so compaction is term selection by table: for each predicate and kind of value (an IRI, a
list, a plain string, a language, a datatype) the key to write under and how to write the value. The
rules are JSON-LD 1.1's (IRI compaction, term selection, value compaction) restricted to such contexts;
tests compare the result with pyld's on whole graphs.

RDF lists become `@list` values when every cell is well formed (one `rdf:first`, one `rdf:rest`, at most
the type `rdf:List`, referenced once) and the chain ends in `rdf:nil`. A JSON-LD list cannot name its cells,
so IRI-named cells (such as `source/x#authors-1`) are written as blank nodes, as pyld would write them after
`blank_list_cells`; a cell of a list that cannot be a `@list` is written as a node with a blank-node id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, QuerySolutions, Store

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
RDF_LIST = RDF + "List"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
CANONICAL_INTEGER = re.compile(r"^(?:0|-?[1-9][0-9]*)$")
"""Integers written as JSON numbers: only canonical forms, so a number reads back as the same literal."""
PREFIX_ENDS = ("/", "#")
"""A term whose IRI ends so is a prefix (JSON-LD 1.1 also allows `:?[]@`; our context uses none of them,
and compact IRIs are looked up by the IRI's part up to its last `/` or `#`)."""

ID = "@id"
LIST = "@list"

Node = NamedNode | BlankNode
ObjectTerm = NamedNode | BlankNode | Literal


def plain_term(term: object) -> ObjectTerm:
    """An object term as JSON-LD writes it; RDF-star quoted triples are refused (Mitigraph uses none)."""
    if isinstance(term, NamedNode | BlankNode | Literal):
        return term
    raise TypeError(f"cannot write {term!r} in JSON-LD (Mitigraph uses no RDF-star terms)")


def node_term(term: object) -> Node:
    """A subject term (an IRI or a blank node); RDF-star quoted triples are refused."""
    if isinstance(term, NamedNode | BlankNode):
        return term
    raise TypeError(f"cannot write {term!r} in JSON-LD (Mitigraph uses no RDF-star terms)")


@dataclass(frozen=True)
class Term:
    """A term of the context and what it says about values: `@id` type, a datatype, a language, @list."""

    name: str
    iri: str
    type: str | None = None
    language: str | None = None
    container: str | None = None

    @property
    def plain(self) -> bool:
        return self.type is None and self.language is None and self.container is None


class Compactor:
    """Compacts IRIs, values and whole nodes against one context (a dict of term definitions)."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self._prefixes: dict[str, str] = {}
        for name, definition in context.items():
            if isinstance(definition, str) and ":" not in name and definition.endswith(PREFIX_ENDS):
                self._prefixes[name] = definition
        self._terms_by_iri: dict[str, list[Term]] = {}
        for name, definition in context.items():
            if name in self._prefixes:
                continue
            term = self._term(name, definition)
            self._terms_by_iri.setdefault(term.iri, []).append(term)
        self._candidates: dict[str, list[tuple[str, str]]] = {}
        self._keys: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._vocab: dict[str, str] = {}

    def _term(self, name: str, definition: str | Mapping[str, str]) -> Term:
        if isinstance(definition, str):
            return Term(name, self.expand(definition))
        datatype = definition.get("@type")
        return Term(
            name,
            self.expand(definition["@id"]),
            type=datatype if datatype in (None, ID) else self.expand(datatype),
            language=(definition.get("@language") or "").lower() or None,
            container=definition.get("@container"),
        )

    def expand(self, value: str) -> str:
        prefix, _, suffix = value.partition(":")
        if suffix and prefix in self._prefixes and not suffix.startswith("//"):
            return self._prefixes[prefix] + suffix
        return value

    # ------------------------------------------------------------------------------------------------ IRIs

    def compact_id(self, iri: str) -> str:
        """An IRI in an `@id` position: a compact IRI (CURIE) under a prefix when one fits, else whole."""
        head = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
        candidates = self._candidates.get(head)
        if candidates is None:
            candidates = self._candidates[head] = [
                (prefix, namespace)
                for prefix, namespace in self._prefixes.items()
                if head.startswith(namespace)
            ]
        best = None
        for prefix, namespace in candidates:
            if len(iri) > len(namespace):
                curie = f"{prefix}:{iri[len(namespace) :]}"
                if best is None or (len(curie), curie) < (len(best), best):
                    best = curie
        return best if best is not None else iri

    def compact_vocab(self, iri: str) -> str:
        """An IRI in a key or `@type` position: a plain term naming it, else as `compact_id`."""
        found = self._vocab.get(iri)
        if found is None:
            term = next((t for t in self._terms_by_iri.get(iri, ()) if t.plain), None)
            found = self._vocab[iri] = term.name if term is not None else self.compact_id(iri)
        return found

    # ------------------------------------------------------------------------------------ term selection

    def key_for(self, predicate: str, kind: str, detail: str = "") -> tuple[str, str]:
        """(key, how the value is written) for a value of `kind` ("node", "list", "string", "language",
        "typed", "native") under `predicate`; `detail` is the language or the datatype.

        How: "id" (the compact IRI as a string), "node" ({"@id": ...}), "list" (an array), "list-object"
        ({"@list": [...]}), "bare" (the lexical form), "native", "language" or "typed" (value objects).
        """
        cache_key = (predicate, kind, detail)
        found = self._keys.get(cache_key)
        if found is None:
            found = self._keys[cache_key] = self._select(predicate, kind, detail)
        return found

    def _select(self, predicate: str, kind: str, detail: str) -> tuple[str, str]:
        terms = self._terms_by_iri.get(predicate, [])
        plain = next((t.name for t in terms if t.plain), None)
        fallback = self.compact_id(predicate)

        def typed_as(datatype: str | None, *, container: str | None = None) -> str | None:
            return next(
                (t.name for t in terms if t.type == datatype and t.container == container and not t.language),
                None,
            )

        if kind == "node":
            term = typed_as(ID)
            if term is not None:
                return term, "id"
            return plain or fallback, "node"
        if kind == "list":
            term = typed_as(ID, container=LIST) if detail == ID else None
            return (term, "list") if term is not None else (fallback, "list-object")
        if kind == "string":
            return plain or fallback, "bare"
        if kind == "language":
            term = next((t.name for t in terms if t.language == detail.lower() and not t.container), None)
            if term is not None:
                return term, "bare"
            return plain or fallback, "language"
        if kind == "native":
            return plain or fallback, "native"
        term = typed_as(detail)
        if term is not None:
            return term, "bare"
        return plain or fallback, "typed"

    # ------------------------------------------------------------------------------------------- values

    def value(self, term: ObjectTerm, ids: Mapping[str, str]) -> tuple[str, str, Any]:
        """(kind, detail, JSON value in expanded-but-compacted-IRI form) of an object term."""
        if isinstance(term, NamedNode):
            iri = term.value
            return "node", "", ids.get(iri) or self.compact_id(iri)
        if isinstance(term, BlankNode):
            return "node", "", "_:" + term.value
        if term.language:
            return "language", term.language, {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return "string", "", term.value
        lexical = term.value
        if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
            return "native", "", lexical == "true"
        if datatype == XSD_INTEGER and CANONICAL_INTEGER.match(lexical):
            return "native", "", int(lexical)
        return "typed", datatype, {"@value": lexical, "@type": self.compact_vocab(datatype)}


def written(how: str, value: Any) -> Any:
    """The value as written under a key selected with `how` (see `Compactor.key_for`)."""
    if how in ("id", "bare", "native", "list", "language", "typed"):
        if how == "bare" and isinstance(value, dict):
            return value["@value"]
        return value
    if how == "node":
        return {ID: value}
    return {LIST: value}  # list-object


class ListCells:
    """The RDF lists of a store that are written as `@list` values, and the ids of IRI-named cells."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.items: dict[str, list[ObjectTerm]] = {}
        """Head cell (IRI, or `_:` + blank id) -> the items, for every list written as a `@list`."""
        self.inlined: set[str] = set()
        """Every cell of those lists: not written as a node of its own."""
        self.renamed: dict[str, str] = {}
        """IRI-named cell -> the blank-node id it is written with (cells of lists not written as @list)."""
        self._find()

    def _find(self) -> None:
        first = NamedNode(RDF_FIRST)
        cells = {
            _key(quad.subject): node_term(quad.subject)
            for quad in self._store.quads_for_pattern(None, first, None, DefaultGraph())
        }
        well_formed = {key for key, cell in cells.items() if self._well_formed(cell)}
        rest_targets = {
            _key(quad.object)
            for key in well_formed
            for quad in self._store.quads_for_pattern(cells[key], NamedNode(RDF_REST), None, DefaultGraph())
        }
        for key in well_formed - rest_targets:
            chain = self._chain(cells[key], well_formed, cells)
            if chain is not None:
                self.items[key] = [item for _, item in chain]
                self.inlined.update(cell for cell, _ in chain)
        for number, key in enumerate(
            sorted(k for k in cells if not k.startswith("_:") and k not in self.inlined)
        ):
            self.renamed[key] = f"_:list-cell-{number}"

    def _well_formed(self, cell: Node) -> bool:
        predicates = [
            q.predicate.value for q in self._store.quads_for_pattern(cell, None, None, DefaultGraph())
        ]
        others = [p for p in predicates if p not in (RDF_FIRST, RDF_REST)]
        if predicates.count(RDF_FIRST) != 1 or predicates.count(RDF_REST) != 1:
            return False
        if others and (others != [RDF_TYPE] or not self._typed_list(cell)):
            return False
        usages = self._store.quads_for_pattern(None, None, cell, DefaultGraph())
        return sum(1 for _ in zip(usages, range(2), strict=False)) == 1

    def _typed_list(self, cell: Node) -> bool:
        types = [
            q.object for q in self._store.quads_for_pattern(cell, NamedNode(RDF_TYPE), None, DefaultGraph())
        ]
        return types == [NamedNode(RDF_LIST)]

    def _chain(
        self, head: Node, well_formed: set[str], cells: Mapping[str, Node]
    ) -> list[tuple[str, ObjectTerm]] | None:
        """(cell, item) along the list from `head`, or None unless every cell is well formed up to rdf:nil."""
        chain = []
        current: object = head
        seen: set[str] = set()
        while not (isinstance(current, NamedNode) and current.value == RDF_NIL):
            key = _key(current)
            if key not in well_formed or key in seen:
                return None
            seen.add(key)
            cell = cells[key]
            item = next(
                iter(self._store.quads_for_pattern(cell, NamedNode(RDF_FIRST), None, DefaultGraph()))
            ).object
            chain.append((key, plain_term(item)))
            current = next(
                iter(self._store.quads_for_pattern(cell, NamedNode(RDF_REST), None, DefaultGraph()))
            ).object
        return chain


def _key(term: object) -> str:
    """A node's key in ListCells' tables: its IRI, or `_:` + its blank-node id."""
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return getattr(term, "value", "")


def subjects(store: Store) -> Iterator[tuple[Node, list[Quad]]]:
    """The default graph's triples grouped by subject.

    An in-memory store does not keep a subject's triples together, and sorting a million triples costs
    more than finding each subject's: the distinct subjects first (Oxigraph), then each one's triples.
    """
    solutions = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")
    assert isinstance(solutions, QuerySolutions)
    for (subject,) in solutions:
        yield node_term(subject), list(store.quads_for_pattern(subject, None, None, DefaultGraph()))
