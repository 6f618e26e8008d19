"""Serialise the graph in every format Mitigraph publishes; write files a reader never sees half-written.

`EXPORT_FORMATS` is the one table of formats: `mitigraph export --format` offers its keys and
`mitigraph build` writes one file per entry. A new format is a function `Graph -> bytes` and one line here.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyld import jsonld
from rdflib import Dataset, Graph

from mitigraph.namespaces import PREFIXES
from mitigraph.sssom import to_sssom_tsv

Serializer = Callable[[Graph], bytes]

EXPORT_STEM = "mitigraph"
"""Build output files are `mitigraph.<extension>`."""


@dataclass(frozen=True)
class ExportFormat:
    """A format users can ask for: how to write it and how to name and announce the file."""

    extension: str
    media_type: str
    title: str
    serialize: Serializer
    is_rdf: bool = True
    """False for a format that does not read back as exactly the same graph: SSSOM holds the mappings
    only; short-key JSON-LD writes author-list cells as blank nodes (a JSON-LD @list cannot name them)."""

    def file_name(self) -> str:
        return f"{EXPORT_STEM}.{self.extension}"


def jsonld_context(graph: Graph) -> dict[str, str]:
    """Our prefixes, plus the instance namespace the graph binds as `mgid:`, as a JSON-LD context."""
    context = dict(PREFIXES)
    instance_namespace = dict(graph.namespaces()).get("mgid")
    if instance_namespace is not None:
        context["mgid"] = str(instance_namespace)
    return context


def to_turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def to_jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD: `mg:inCategory`, `mgid:category/1.1.3`, not expanded IRIs, with the context inline.

    rdflib writes expanded JSON-LD; pyld compacts it with our context, node ids included, and fetches
    nothing because the context is given inline.
    """
    expanded = json.loads(graph.serialize(format="json-ld"))
    compacted = jsonld.compact(expanded, {"@context": jsonld_context(graph)})
    return (json.dumps(compacted, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def to_ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def to_rdfxml(graph: Graph) -> bytes:
    return graph.serialize(format="xml", encoding="utf-8")


def to_trig(graph: Graph) -> bytes:
    """TriG with every triple in the default graph, so TriG readers see the same graph as Turtle readers.

    (A plain Graph serialised as TriG lands in a named graph named by its blank-node identifier.)
    """
    dataset = Dataset()
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, override=True, replace=True)
    dataset.default_graph += graph
    return dataset.serialize(format="trig", encoding="utf-8")


def to_short_jsonld(graph: Graph) -> bytes:
    """The whole graph compacted with the published context (mitigraph.jsonld, imported here because it
    builds on this module's serialisers)."""
    from mitigraph.jsonld import to_compact_jsonld

    return to_compact_jsonld(graph)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "turtle": ExportFormat(extension="ttl", media_type="text/turtle", title="Turtle", serialize=to_turtle),
    "jsonld": ExportFormat(
        extension="jsonld", media_type="application/ld+json", title="JSON-LD", serialize=to_jsonld
    ),
    "ntriples": ExportFormat(
        extension="nt", media_type="application/n-triples", title="N-Triples", serialize=to_ntriples
    ),
    "rdfxml": ExportFormat(
        extension="rdf", media_type="application/rdf+xml", title="RDF/XML", serialize=to_rdfxml
    ),
    "trig": ExportFormat(extension="trig", media_type="application/trig", title="TriG", serialize=to_trig),
    # For developers: the short keys of the published context (/context.jsonld), authors as JSON arrays.
    "jsonld-short": ExportFormat(
        extension="short.jsonld",
        media_type="application/ld+json",
        title="JSON-LD with the published short-key context",
        serialize=to_short_jsonld,
        is_rdf=False,
    ),
    # The mappings to other vocabularies only, as SSSOM TSV (see mitigraph.sssom).
    "sssom": ExportFormat(
        extension="sssom.tsv",
        media_type="text/tab-separated-values",
        title="SSSOM mappings",
        serialize=to_sssom_tsv,
        is_rdf=False,
    ),
}
RDF_EXPORT_FORMATS = {name: fmt for name, fmt in EXPORT_FORMATS.items() if fmt.is_rdf}
"""The formats that carry the whole graph and read back as RDF."""


def export_graph(graph: Graph, *, format_name: str) -> bytes:
    """The graph in the named format; raises KeyError naming the formats there are."""
    try:
        export_format = EXPORT_FORMATS[format_name]
    except KeyError:
        raise KeyError(
            f"unknown export format {format_name!r}; expected one of {', '.join(EXPORT_FORMATS)}"
        ) from None
    return export_format.serialize(graph)


def write_atomically(path: Path, content: bytes) -> Path:
    """Write `content` to `path` through a temporary file in the same directory and a rename.

    Readers (a web server, a previous build's users) see the old file or the new one, never a partial one.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
