"""The whole graph as downloadable files, and the serialisers every RDF response of the pages uses.

Downloads are serialised once, when the store is written, into its site cache (mitigraph.site_cache): each
file beside its gzip copy, with a strong ETag, so a web worker only sends files that already exist. Turtle,
N-Triples and RDF/XML are written by Oxigraph, which is fast at any size; JSON-LD is written by rdflib
because only it compacts with our prefixes as the context.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, RdfFormat, Triple, serialize
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.namespace import XSD
from rdflib.term import Node

from mitigraph.export import to_jsonld
from mitigraph.namespaces import PREFIXES, bind_prefixes
from mitigraph.store import GraphReader

TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
N_TRIPLES = "application/n-triples"
RDF_XML = "application/rdf+xml"
CSV = "text/csv"

RDF_MEDIA_TYPES: tuple[str, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
"""Every RDF serialisation the pages offer, in the order offered when a client has no preference."""

EXTENSIONS: dict[str, str] = {TURTLE: "ttl", JSON_LD: "jsonld", N_TRIPLES: "nt", RDF_XML: "rdf", CSV: "csv"}
DOWNLOAD_STEM = "mitigraph"

COMPACT_JSONLD_MAX_TRIPLES = 300_000
"""Past this size the whole-graph JSON-LD is Oxigraph's expanded JSON-LD (the same graph, full IRIs as
keys): compacting with rdflib costs minutes and gigabytes (2 min, 3.3 GB at 1.1M triples)."""

_OXIGRAPH_FORMATS = {TURTLE: RdfFormat.TURTLE, N_TRIPLES: RdfFormat.N_TRIPLES, RDF_XML: RdfFormat.RDF_XML}

GZIP_LEVEL = 6
"""zlib's default: level 9 takes several times longer for a few per cent smaller files."""
GZIP_SUFFIX = ".gz"

CSV_COLUMNS = (
    "iri",
    "label",
    "category_code",
    "category_name",
    "source_title",
    "year",
    "lifecycle_stage",
    "actor",
    "risk_management_function",
)
CSV_VALUE_SEPARATOR = "; "
"""Joins the values of a column when a mitigation has several (two sources, say), keeping one row each."""

MITIGATION_ROWS = f"""
SELECT ?iri
       (SAMPLE(?label_) AS ?label)
       (GROUP_CONCAT(DISTINCT ?code_; separator="{CSV_VALUE_SEPARATOR}") AS ?category_code)
       (GROUP_CONCAT(DISTINCT ?category_; separator="{CSV_VALUE_SEPARATOR}") AS ?category_name)
       (GROUP_CONCAT(DISTINCT ?title_; separator="{CSV_VALUE_SEPARATOR}") AS ?source_title)
       (GROUP_CONCAT(DISTINCT STR(?year_); separator="{CSV_VALUE_SEPARATOR}") AS ?year)
       (GROUP_CONCAT(DISTINCT ?stage_; separator="{CSV_VALUE_SEPARATOR}") AS ?lifecycle_stage)
       (GROUP_CONCAT(DISTINCT ?actor_; separator="{CSV_VALUE_SEPARATOR}") AS ?actor)
       (GROUP_CONCAT(DISTINCT ?function_; separator="{CSV_VALUE_SEPARATOR}") AS ?risk_management_function)
WHERE {{
  ?iri a mg:Mitigation .
  OPTIONAL {{ ?iri rdfs:label ?label_ }}
  OPTIONAL {{
    ?iri mg:inCategory ?c .
    OPTIONAL {{ ?c skos:notation ?code_ }}
    OPTIONAL {{ ?c skos:prefLabel ?category_ }}
  }}
  OPTIONAL {{
    ?iri mg:citedIn ?s .
    OPTIONAL {{ ?s dcterms:title ?title_ }}
    OPTIONAL {{ ?s dcterms:issued ?year_ }}
  }}
  OPTIONAL {{ ?iri mg:lifecycleStage/skos:prefLabel ?stage_ }}
  OPTIONAL {{ ?iri mg:actor/skos:prefLabel ?actor_ }}
  OPTIONAL {{ ?iri mg:riskManagementFunction/skos:prefLabel ?function_ }}
}}
GROUP BY ?iri
ORDER BY ?iri
"""


@dataclass(frozen=True)
class DownloadBody:
    """One file of the whole graph while it is being written: its name, media type and bytes."""

    filename: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class Download:
    """One file of the whole graph on disk, beside its gzip copy; each encoding has its own strong ETag."""

    filename: str
    media_type: str
    etag: str

    @property
    def gzipped_filename(self) -> str:
        return self.filename + GZIP_SUFFIX

    @property
    def gzipped_etag(self) -> str:
        return f"{self.etag}-gzip"


def serialize_triples(triples: Iterable[Triple], *, media_type: str, base: str) -> bytes:
    """Write triples in one of RDF_MEDIA_TYPES; raises ValueError for any other media type.

    Oxigraph gets our prefixes but not `mgid:`: instance IRIs hold '/', which Turtle would have to escape
    (`mgid:category\\/1.1.3`), so they read better written out in full.
    """
    if media_type == JSON_LD:
        return compact_jsonld(triples, base=base)
    if media_type not in _OXIGRAPH_FORMATS:
        raise ValueError(f"cannot serialise RDF as {media_type!r}; use one of {', '.join(RDF_MEDIA_TYPES)}")
    output = serialize(triples, format=_OXIGRAPH_FORMATS[media_type], prefixes=PREFIXES)
    assert output is not None
    return output


def compact_jsonld(triples: Iterable[Triple], *, base: str) -> bytes:
    """JSON-LD compacted with our prefixes as its context, written as `mitigraph export` writes it."""
    return to_jsonld(rdflib_graph(triples, base=base))


def rdflib_graph(triples: Iterable[Triple], *, base: str) -> Graph:
    """The same triples as an rdflib graph (terms converted one by one; nothing is parsed)."""
    graph = bind_prefixes(Graph(), base=base)
    for triple in triples:
        graph.add((rdflib_term(triple.subject), rdflib_term(triple.predicate), rdflib_term(triple.object)))
    return graph


def rdflib_term(term: object) -> Node:
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return RdflibLiteral(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return RdflibLiteral(term.value)
        return RdflibLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r} to an rdflib term (RDF-star terms are not used by Mitigraph)")


def default_graph_triples(reader: GraphReader) -> list[Triple]:
    return [quad.triple for quad in reader.store.quads_for_pattern(None, None, None, DefaultGraph())]


def download_bodies(reader: GraphReader, *, base: str) -> list[DownloadBody]:
    """Every download (`mitigraph.ttl` ... `mitigraph.csv`) with its bytes, in memory until written."""
    triples = default_graph_triples(reader)
    bodies = {media: whole_graph(triples, media_type=media, base=base) for media in RDF_MEDIA_TYPES}
    del triples
    bodies[CSV] = mitigations_csv(reader)
    return [
        DownloadBody(filename=f"{DOWNLOAD_STEM}.{EXTENSIONS[media_type]}", media_type=media_type, body=body)
        for media_type, body in bodies.items()
    ]


def write_downloads(bodies: Iterable[DownloadBody], *, directory: Path) -> dict[str, Download]:
    """Write each body and its gzip copy into `directory` (which must exist); keyed by file name."""
    downloads = {}
    for item in bodies:
        (directory / item.filename).write_bytes(item.body)
        gzipped = gzip.compress(item.body, compresslevel=GZIP_LEVEL, mtime=0)
        (directory / (item.filename + GZIP_SUFFIX)).write_bytes(gzipped)
        etag = hashlib.sha256(item.body).hexdigest()[:32]
        downloads[item.filename] = Download(filename=item.filename, media_type=item.media_type, etag=etag)
    return downloads


def whole_graph(triples: Sequence[Triple], *, media_type: str, base: str) -> bytes:
    """The whole graph in one format; JSON-LD is compacted only up to COMPACT_JSONLD_MAX_TRIPLES."""
    if media_type == JSON_LD and len(triples) > COMPACT_JSONLD_MAX_TRIPLES:
        output = serialize(triples, format=RdfFormat.JSON_LD)
        assert output is not None
        return output
    return serialize_triples(triples, media_type=media_type, base=base)


def mitigations_csv(reader: GraphReader) -> bytes:
    """One row per mitigation, for spreadsheets; several values of one column are joined with '; '.

    UTF-8 with a byte-order mark, so spreadsheet programs show non-ASCII author names correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in reader.select(MITIGATION_ROWS):
        writer.writerow([row[column].value if column in row else "" for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
