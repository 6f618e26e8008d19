"""The order a SKOS ordered collection gives its members (the lifecycle stages in lifecycle order).

`data/facets.ttl` states the order of a facet's values as a `skos:OrderedCollection` whose `skos:memberList`
is an RDF list; whatever shows those values in order reads it here rather than naming the collection.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, DefaultGraph, NamedNode
from rdflib.namespace import RDF

from mitigraph.store import GraphReader

ORDERED_COLLECTIONS = (
    "SELECT ?collection ?head WHERE { ?collection a skos:OrderedCollection ; skos:memberList ?head }"
)
FIRST, REST = NamedNode(str(RDF.first)), NamedNode(str(RDF.rest))


def collection_orders(reader: GraphReader) -> dict[str, int]:
    """Member IRI -> its place (0, 1, ...) in the ordered collection that lists it (the first collection
    listing it, when several do). A list that loops back on itself is read up to the loop."""
    orders: dict[str, int] = {}
    for row in reader.select(ORDERED_COLLECTIONS):
        for position, member in enumerate(list_members(reader, row["head"])):
            orders.setdefault(member, position)
    return orders


def list_members(reader: GraphReader, head: object) -> list[str]:
    """The IRIs of an RDF list, in order, each list cell read once."""
    members: list[str] = []
    seen: set[NamedNode | BlankNode] = set()
    cell = head
    while isinstance(cell, NamedNode | BlankNode) and cell.value != str(RDF.nil) and cell not in seen:
        seen.add(cell)
        members += [value.value for value in _objects(reader, cell, FIRST) if isinstance(value, NamedNode)]
        cell = next(iter(_objects(reader, cell, REST)), None)
    return members


def _objects(reader: GraphReader, subject: NamedNode | BlankNode, predicate: NamedNode) -> list[object]:
    return [quad.object for quad in reader.store.quads_for_pattern(subject, predicate, None, DefaultGraph())]
