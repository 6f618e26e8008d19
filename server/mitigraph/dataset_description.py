"""The dataset description a build publishes next to its files: VoID counts and DCAT distributions.

The hand-written part (title, licence, provenance, the preliminary-data notice) lives in `data/dataset.ttl`
and is part of the graph; this module adds what only a build knows: how many triples and records there are
and which files carry them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD, Namespace
from rdflib.term import Node

from mitigraph.iris import Minter
from mitigraph.namespaces import DEFAULT_BASE, MG, bind_prefixes

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

COUNTED_CLASSES: dict[str, URIRef] = {
    "mitigations": MG.Mitigation,
    "categories": MG.Category,
    "sources": MG.Source,
    "limitations": MG.Limitation,
}
"""The record kinds a build counts (as VoID class partitions) and reports."""


@dataclass(frozen=True)
class Distribution:
    """One file of a build: its name, media type, title and content (for the size and the checksum)."""

    file_name: str
    media_type: str
    title: str
    content: bytes


@dataclass(frozen=True)
class DatasetCounts:
    triples: int
    entities: dict[str, int]
    """Instances of each class in COUNTED_CLASSES, keyed by the same names."""


def count_dataset(graph: Graph) -> DatasetCounts:
    return DatasetCounts(
        triples=len(graph),
        entities={name: len(set(graph.subjects(RDF.type, cls))) for name, cls in COUNTED_CLASSES.items()},
    )


def describe_dataset(
    graph: Graph, *, distributions: Sequence[Distribution], base: str = DEFAULT_BASE
) -> Graph:
    """The dataset's hand-written description from `graph`, with counts and one DCAT distribution per file."""
    dataset = Minter(base).dataset()
    description = bind_prefixes(Graph(), base=base)
    description.bind("spdx", SPDX)
    description += graph.cbd(dataset)
    counts = count_dataset(graph)
    description.add((dataset, RDF.type, VOID.Dataset))
    description.add((dataset, RDF.type, DCAT.Dataset))
    description.add((dataset, VOID.triples, Literal(counts.triples, datatype=XSD.integer)))
    for name, cls in COUNTED_CLASSES.items():
        description.add(
            (dataset, VOID.classPartition, _class_partition(description, cls, counts.entities[name]))
        )
    for distribution in distributions:
        description.add((dataset, DCAT.distribution, _distribution(description, distribution)))
    return description


def _class_partition(description: Graph, cls: URIRef, entities: int) -> Node:
    partition = BNode()
    description.add((partition, VOID["class"], cls))
    description.add((partition, VOID.entities, Literal(entities, datatype=XSD.integer)))
    return partition


def _distribution(description: Graph, distribution: Distribution) -> Node:
    node = BNode()
    checksum = BNode()
    description.add((node, RDF.type, DCAT.Distribution))
    description.add((node, DCTERMS.title, Literal(distribution.title)))
    description.add((node, DCTERMS.identifier, Literal(distribution.file_name)))
    description.add((node, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + distribution.media_type)))
    description.add(
        (node, DCAT.byteSize, Literal(len(distribution.content), datatype=XSD.nonNegativeInteger))
    )
    description.add((node, SPDX.checksum, checksum))
    description.add((checksum, RDF.type, SPDX.Checksum))
    description.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    description.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(distribution.content).hexdigest())))
    return node
