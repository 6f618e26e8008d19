"""Every format Mitigraph reads out to users, in one registry: names, media types, where each is offered,
and the writers that stream the whole graph (or a page's few triples) in it.

A format has one `name` (what `mitigraph export --format` takes), `aliases` (what `?format=` also takes:
`ttl`, `json`, `csv`...), one `media_type` (sent as Content-Type) and `other_media_types` clients ask for
meaning the same thing (`application/json` for SPARQL JSON results). Aliases are unique within a `kind`,
so `?format=csv` is the CSV table where a table is offered and CSV results on `/sparql`; `xml` is SPARQL
XML results for a SELECT and RDF/XML for a CONSTRUCT.

Graphs are written by Oxigraph's serialisers (millions of triples a second) with our prefixes, except
JSON-LD, which is compacted with the published context (`mitigraph.jsonld`). Nothing is held whole: the
writers read the store's default graph as they write.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, cast

from pyoxigraph import DefaultGraph, QueryResultsFormat, RdfFormat, Store, Triple, serialize

from mitigraph.jsonld import write_jsonld
from mitigraph.mitigation_table import write_mitigation_table
from mitigraph.namespaces import PREFIXES
from mitigraph.outputs import BinaryOutput
from mitigraph.sssom import write_sssom

Kind = Literal["graph", "results", "table", "mappings"]
Route = Literal["export", "download", "page", "sparql", "list"]
"""Where a format is offered: `mitigraph export` and `build` ("export"), the site's /download/ files
("download"), RDF of a page such as /id/... ("page"), the SPARQL endpoint's answers ("sparql"), and the
filterable list of mitigations as a table (/mitigations, "list")."""

FILE_STEM = "mitigraph"
"""Whole-graph files are `mitigraph.<extension>` (build outputs and downloads)."""
W3C_FORMATS = "http://www.w3.org/ns/formats/"


class UnknownFormat(ValueError):
    """A format name, alias or media type that names no format (where asked); the message lists them."""

    def __init__(self, asked: str, *, known: Iterable[str]) -> None:
        self.asked = asked
        self.known = tuple(known)
        super().__init__(f"unknown format {asked!r}; expected one of {', '.join(self.known)}")


@dataclass(frozen=True)
class Format:
    """One format: how users name and ask for it, what it is, where it is offered."""

    name: str
    title: str
    media_type: str
    extension: str
    kind: Kind
    offered_by: frozenset[Route]
    aliases: tuple[str, ...] = ()
    """Other names `?format=` accepts (lower case); unique among the formats of one kind."""
    other_media_types: tuple[str, ...] = ()
    """Media types clients ask for that mean this format; the answer is sent as `media_type`."""
    oxigraph: str | None = None
    """The pyoxigraph RdfFormat or QueryResultsFormat member that writes it (None: written by Mitigraph)."""
    w3c_name: str | None = None
    """Its name under http://www.w3.org/ns/formats/ (the service description's sd:resultFormat)."""
    whole_graph: bool = True
    """For kind "graph": reads back as exactly the exported graph. False for JSON-LD, which writes the
    IRI-named cells of author lists as blank nodes (a JSON-LD @list cannot name its cells)."""

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)

    @property
    def short_name(self) -> str:
        """What links and messages write in `?format=`: the name or the first alias, whichever is shorter
        (`ttl`, `jsonld`, `nt`, `rdf`, `json`, `xml`, `csv`, `tsv`)."""
        return min(self.names[:2], key=len)

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)

    @property
    def file_name(self) -> str:
        """`mitigraph.<extension>`, the whole graph's file in this format."""
        return f"{FILE_STEM}.{self.extension}"

    @property
    def w3c_iri(self) -> str | None:
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None

    @property
    def rdf_format(self) -> RdfFormat:
        """Oxigraph's serialiser for a graph format (ValueError for any other)."""
        if self.kind != "graph" or self.oxigraph is None:
            raise ValueError(f"{self.name} is not written by an Oxigraph RDF serialiser")
        return getattr(RdfFormat, self.oxigraph)

    @property
    def results_format(self) -> QueryResultsFormat:
        """Oxigraph's serialiser for a SPARQL results format (ValueError for any other)."""
        if self.kind != "results" or self.oxigraph is None:
            raise ValueError(f"{self.name} is not a SPARQL results format")
        return getattr(QueryResultsFormat, self.oxigraph)


def read_registry(path: Path) -> tuple[Format, ...]:
    """The formats declared in `path` (formats.toml beside this module), checked: the Oxigraph writer named
    exists, and no alias names two formats of one kind."""
    with path.open("rb") as file:
        declared = tomllib.load(file)["format"]
    registry = tuple(
        Format(
            **{
                **entry,
                "offered_by": frozenset(entry["offered_by"]),
                "aliases": tuple(entry.get("aliases", ())),
                "other_media_types": tuple(entry.get("other_media_types", ())),
            }
        )
        for entry in declared
    )
    for fmt in registry:
        writers = QueryResultsFormat if fmt.kind == "results" else RdfFormat
        if fmt.oxigraph is not None and not hasattr(writers, fmt.oxigraph):
            raise ValueError(f"{path}: format {fmt.name}: pyoxigraph has no writer {fmt.oxigraph}")
    names = [(fmt.kind, name) for fmt in registry for name in fmt.names]
    clashes = sorted({f"{kind}:{name}" for kind, name in names if names.count((kind, name)) > 1})
    if clashes:
        raise ValueError(f"{path}: names used by two formats of one kind: {', '.join(clashes)}")
    return registry


FORMATS = read_registry(Path(__file__).with_name("formats.toml"))
"""Every format, in the order offered when a client states no preference (the first of a route's kind is
its default: Turtle for graphs, JSON for SPARQL results)."""


def formats_for(route: Route, *, kind: Kind | None = None) -> tuple[Format, ...]:
    """The formats offered by `route` (of one kind, if given), in registry order."""
    return tuple(f for f in FORMATS if route in f.offered_by and (kind is None or f.kind == kind))


def format_named(name: str, *, kind: Kind | None = None, among: Iterable[Format] | None = None) -> Format:
    """The format called `name` (a name or an alias, any case) among `among` (default: all) of `kind`.

    A name always wins over an alias; without `kind`, an alias shared by formats of several kinds resolves
    to the first in registry order (`json` -> JSON-LD). Raises UnknownFormat listing the names.
    """
    candidates = _candidates(kind, among)
    found = _first_match(candidates, name.strip().lower(), own=lambda f: (f.name,), other=lambda f: f.aliases)
    if found is None:
        raise UnknownFormat(name, known=_unique(n for f in candidates for n in f.names))
    return found


def format_for_media_type(
    media_type: str, *, kind: Kind | None = None, among: Iterable[Format] | None = None
) -> Format:
    """The format sent as (or asked for as) `media_type`, parameters ignored; own media types win over
    other media types, then registry order. Raises UnknownFormat listing the media types."""
    candidates = _candidates(kind, among)
    wanted = media_type.split(";", 1)[0].strip().lower()
    found = _first_match(
        candidates, wanted, own=lambda f: (f.media_type,), other=lambda f: f.other_media_types
    )
    if found is None:
        raise UnknownFormat(media_type, known=_unique(f.media_type for f in candidates))
    return found


def _candidates(kind: Kind | None, among: Iterable[Format] | None) -> list[Format]:
    return [f for f in (FORMATS if among is None else among) if kind is None or f.kind == kind]


def _first_match(
    candidates: Sequence[Format],
    wanted: str,
    *,
    own: Callable[[Format], tuple[str, ...]],
    other: Callable[[Format], tuple[str, ...]],
) -> Format | None:
    """The first format whose own names hold `wanted`, else the first whose other names do."""
    for names in (own, other):
        for fmt in candidates:
            if wanted in names(fmt):
                return fmt
    return None


def write_graph(fmt: Format, store: Store, output: BinaryOutput, *, base: str) -> None:
    """The store's whole default graph in the graph format `fmt`, streamed into `output`.

    TriG writes every triple in the default graph, so TriG readers see what Turtle readers see. Oxigraph
    gets our prefixes but not `mgid:`: instance IRIs hold '/', which Turtle would escape.
    """
    if fmt.kind != "graph":
        raise ValueError(f"{fmt.name} is not a graph format")
    if fmt.name == "jsonld":
        write_jsonld(store, output, base=base)
        return
    # Store.dump writes in Rust without a Python object per triple (2-3x faster than serialize over quads)
    store.dump(cast(IO[bytes], output), format=fmt.rdf_format, from_graph=DefaultGraph(), prefixes=PREFIXES)


def write_export(fmt: Format, store: Store, output: BinaryOutput, *, base: str) -> None:
    """Any format `mitigraph export` offers (graph, table, mappings), from the store into `output`."""
    if fmt.kind == "graph":
        write_graph(fmt, store, output, base=base)
    elif fmt.kind == "table":
        write_mitigation_table(store, output)
    elif fmt.kind == "mappings":
        write_sssom(store, output, base=base)
    else:
        raise ValueError(f"{fmt.name} is written by the SPARQL endpoint, not exported")


def serialize_triples(triples: Iterable[Triple], fmt: Format, *, base: str) -> bytes:
    """A few triples (a page's, a CONSTRUCT's) in the graph format `fmt`, as bytes."""
    if fmt.kind != "graph":
        raise ValueError(f"{fmt.name} is not a graph format")
    if fmt.name == "jsonld":
        output = io.BytesIO()
        write_jsonld(triples, output, base=base)
        return output.getvalue()
    written = serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES)
    assert written is not None
    return written


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
