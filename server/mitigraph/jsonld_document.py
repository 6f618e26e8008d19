"""A whole JSON-LD document written from a store node by node: `{"@context": ..., "@graph": [...]}` with
one node object per subject, compacted against the context (mitigraph.jsonld_compaction), a key a line.

The document is never held: nodes are written in batches as the store gives its subjects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from mitigraph.jsonld_compaction import (
    ID,
    RDF_NIL,
    RDF_TYPE,
    Compactor,
    ListCells,
    plain_term,
    subjects,
    written,
)
from mitigraph.outputs import BinaryOutput

NODES_PER_WRITE = 512
_compactors: dict[str, Compactor] = {}


def write_document(
    source: Store | Iterable[Triple | Quad], output: BinaryOutput, context: Mapping[str, Any]
) -> None:
    """The default graph of `source` (a store, or triples) compacted with `context`, into `output`."""
    store = source if isinstance(source, Store) else _memory_store(source)
    context_text = json.dumps(context, ensure_ascii=False, indent=2)
    compactor = _compactors.get(context_text)
    if compactor is None:
        compactor = _compactors[context_text] = Compactor(context)
    lists = ListCells(store)
    output.write(
        f'{{\n  "@context": {context_text.replace(chr(10), chr(10) + "  ")},\n  "@graph": ['.encode()
    )
    batch: list[str] = []
    separator = "\n"
    for subject, quads in subjects(store):
        key = "_:" + subject.value if isinstance(subject, BlankNode) else subject.value
        if key in lists.inlined:
            continue
        node_id = lists.renamed.get(key) or (key if key.startswith("_:") else compactor.compact_id(key))
        batch.append(separator + _node_text(node_id, quads, compactor, lists))
        separator = ",\n"
        if len(batch) >= NODES_PER_WRITE:
            output.write("".join(batch).encode())
            batch = []
    batch.append("\n  ]\n}\n")
    output.write("".join(batch).encode())


def _memory_store(triples: Iterable[Triple | Quad]) -> Store:
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    return store


def _node_text(node_id: str, quads: list[Quad], compactor: Compactor, lists: ListCells) -> str:
    """One node object, a key a line: `{"@id": ..., "@type": ..., key: value, ...}`."""
    types: list[str] = []
    values: dict[str, list[Any]] = {}
    list_keys: set[str] = set()
    for quad in sorted(quads, key=lambda q: q.predicate.value):
        predicate = quad.predicate.value
        term = plain_term(quad.object)
        if predicate == RDF_TYPE and not isinstance(term, Literal):
            types.append(_type_name(term, compactor, lists))
            continue
        items = _list_items(term, lists)
        if items is None:
            kind, detail, value = compactor.value(term, lists.renamed)
            key, how = compactor.key_for(predicate, kind, detail)
            values.setdefault(key, []).append(written(how, value))
            continue
        compacted = [compactor.value(item, lists.renamed) for item in items]
        all_nodes = all(kind == "node" for kind, _, _ in compacted)
        key, how = compactor.key_for(predicate, "list", ID if all_nodes else "")
        if how == "list" and key not in list_keys:
            list_keys.add(key)
            values.setdefault(key, []).append([value for _, _, value in compacted])
        else:
            key = compactor.compact_id(predicate)
            members = [{ID: value} if kind == "node" else value for kind, _, value in compacted]
            values.setdefault(key, []).append({"@list": members})
    lines = [f'      "@id": {json.dumps(node_id, ensure_ascii=False)}']
    if types:
        lines.append(f'      "@type": {_json(types[0] if len(types) == 1 else types)}')
    for key, found in values.items():
        value = found[0] if len(found) == 1 else found
        lines.append(f"      {_json(key)}: {_json(value)}")
    return "    {\n" + ",\n".join(lines) + "\n    }"


def _type_name(term: NamedNode | BlankNode, compactor: Compactor, lists: ListCells) -> str:
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return lists.renamed.get(term.value) or compactor.compact_vocab(term.value)


def _list_items(term: object, lists: ListCells) -> list[Any] | None:
    """The items of the list `term` heads (an empty list for rdf:nil), None when it heads none."""
    if isinstance(term, NamedNode):
        if term.value == RDF_NIL:
            return []
        return lists.items.get(term.value)
    if isinstance(term, BlankNode):
        return lists.items.get("_:" + term.value)
    return None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
