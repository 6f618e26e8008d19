"""The dataset description a build publishes next to its files: VoID counts and DCAT distributions.

The hand-written part (title, licence, provenance, the preliminary-data notice) lives in `data/dataset.ttl`
and is part of the graph; this module adds what only a build knows: how many triples and records there are
and which files carry them. Everything is read from the store by SPARQL (the graph is never built in
rdflib, which costs gigabytes at scale), and each file's checksum is computed as it is read, never held.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QuerySolutions, QueryTriples, Store
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD, Namespace
from rdflib.term import Node

from mitigraph.iris import Minter
from mitigraph.loader import rdflib_graph
from mitigraph.namespaces import DEFAULT_BASE, MG, bind_prefixes

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
HASH_CHUNK = 1 << 20

COUNTED_CLASSES: dict[str, URIRef] = {
    "mitigations": MG.Mitigation,
    "categories": MG.Category,
    "sources": MG.Source,
    "limitations": MG.Limitation,
}
"""The record kinds a build counts (as VoID class partitions) and reports."""


@dataclass(frozen=True)
class Distribution:
    """One file of a build or download: its name, media type, title, size and SHA-256 (hex)."""

    file_name: str
    media_type: str
    title: str
    byte_size: int
    sha256: str

    @classmethod
    def of_file(cls, path: Path, *, media_type: str, title: str) -> Distribution:
        """The distribution of the file at `path`, its checksum read in chunks."""
        digest = hashlib.sha256()
        size = 0
        with Path(path).open("rb") as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return cls(
            Path(path).name, media_type=media_type, title=title, byte_size=size, sha256=digest.hexdigest()
        )


@dataclass(frozen=True)
class DatasetCounts:
    triples: int
    entities: dict[str, int]
    """Instances of each class in COUNTED_CLASSES, keyed by the same names."""


def count_dataset(store: Store) -> DatasetCounts:
    """Triples of the default graph, and the instances of each counted class (one SPARQL query)."""
    values = " ".join(f"<{cls}>" for cls in COUNTED_CLASSES.values())
    solutions = store.query(
        f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?class {{ {values} }} ?s a ?class }} "
        "GROUP BY ?class"
    )
    assert isinstance(solutions, QuerySolutions)
    found = {row["class"].value: int(row["n"].value) for row in solutions}
    return DatasetCounts(
        triples=len(store),
        entities={name: found.get(str(cls), 0) for name, cls in COUNTED_CLASSES.items()},
    )


def describe_dataset(
    store: Store, *, distributions: Sequence[Distribution], base: str = DEFAULT_BASE
) -> Graph:
    """The dataset's hand-written description in the store (its concise bounded description), with VoID
    counts, its URI space and one DCAT distribution per file."""
    dataset = Minter(base).dataset()
    own = store.query(f"DESCRIBE <{dataset}>")
    assert isinstance(own, QueryTriples)
    description = bind_prefixes(rdflib_graph(own, base=base), base=base)
    description.bind("spdx", SPDX)
    counts = count_dataset(store)
    description.add((dataset, RDF.type, VOID.Dataset))
    description.add((dataset, RDF.type, DCAT.Dataset))
    description.add((dataset, VOID.triples, Literal(counts.triples, datatype=XSD.integer)))
    if (dataset, VOID.uriSpace, None) not in description:
        description.add((dataset, VOID.uriSpace, Literal(base)))
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
    description.add((node, DCAT.byteSize, Literal(distribution.byte_size, datatype=XSD.nonNegativeInteger)))
    description.add((node, SPDX.checksum, checksum))
    description.add((checksum, RDF.type, SPDX.Checksum))
    description.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    description.add((checksum, SPDX.checksumValue, Literal(distribution.sha256)))
    return node
