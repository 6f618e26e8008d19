"""The one place that reads RDF files. Every command and the server load through here.

Files are parsed by Oxigraph and streamed into one in-memory Oxigraph store whose default graph is the
merged graph (the triples of every named graph of a TriG or N-Quads file join it). Oxigraph parses the
1.08 million triples of 100,000 mitigations in seconds where rdflib takes a minute, so the store is what
the pipeline validates and publishes; an rdflib graph of the same triples is built only when asked for
(`LoadedGraph.graph`), for code that works on small graphs with rdflib.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TypeVar, cast

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store, Triple, parse
from pyoxigraph import Literal as OxLiteral
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from mitigraph.assets import data_dir, ontology_dir, shapes_dir
from mitigraph.namespaces import DEFAULT_BASE, bind_prefixes

REFERENCE_DATA_FILES = ("taxonomy.ttl", "facets.ttl")
"""Data files that `validate FILE` adds to the given files: the taxonomy and the facet values."""
FORMATS: dict[str, tuple[RdfFormat, str]] = {
    ".ttl": (RdfFormat.TURTLE, "turtle"),
    ".turtle": (RdfFormat.TURTLE, "turtle"),
    ".nt": (RdfFormat.N_TRIPLES, "n-triples"),
    ".nq": (RdfFormat.N_QUADS, "n-quads"),
    ".trig": (RdfFormat.TRIG, "trig"),
    ".rdf": (RdfFormat.RDF_XML, "rdf/xml"),
    ".owl": (RdfFormat.RDF_XML, "rdf/xml"),
    ".xml": (RdfFormat.RDF_XML, "rdf/xml"),
    ".jsonld": (RdfFormat.JSON_LD, "json-ld"),
    ".json": (RdfFormat.JSON_LD, "json-ld"),
    ".n3": (RdfFormat.N3, "n3"),
}
"""File extension -> (Oxigraph's format, the name errors use); any other extension is read as Turtle."""
XSD_STRING = str(XSD.string)
_PARSER_POSITION = re.compile(r"^Parser error (?:at|between) line [^:]*: ")
_OS_ERROR_NUMBER = re.compile(r" \(os error \d+\)$")

Subject = NamedNode | BlankNode | Triple
TermT = TypeVar("TermT", bound=NamedNode | BlankNode | OxLiteral | Triple)
OnFile = Callable[[Path], None]


class GraphLoadError(Exception):
    """An RDF file could not be read. The message names the file and, where known, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


class LoadedGraph:
    """The merged graph of some files, in an Oxigraph store, and which files stated what about each subject.

    `store`'s default graph is the merged graph; `triples` counts it. `graph` is the same graph in rdflib,
    built on first use: fine for the project's graph, a minute's work at 100,000 mitigations.
    """

    def __init__(
        self, store: Store, files: Sequence[Path], *, subject_files: SubjectFiles, base: str = DEFAULT_BASE
    ) -> None:
        self.store = store
        self.files = tuple(files)
        self.triples = len(store)
        self._subject_files = subject_files
        self._base = base

    @cached_property
    def graph(self) -> Graph:
        return rdflib_graph(default_triples(self.store), base=self._base)

    def files_describing(self, node: Node | NamedNode | BlankNode | OxLiteral) -> list[Path]:
        """The files in which `node` (an rdflib or an Oxigraph term) is the subject of at least one triple."""
        subject = node if isinstance(node, NamedNode | BlankNode) else oxigraph_subject(node)
        if subject is None:
            return []
        return [self.files[number] for number in self._subject_files.numbers(subject)]


class SubjectFiles:
    """For each subject, the numbers of the files that state something about it, in loading order.

    Most subjects come from one file, so that file's number is kept alone; a tuple only when there are more.
    """

    def __init__(self) -> None:
        self._numbers: dict[Subject, int | tuple[int, ...]] = {}

    def add(self, subject: Subject, number: int) -> None:
        known = self._numbers.setdefault(subject, number)
        if known == number:
            return
        if isinstance(known, int):
            self._numbers[subject] = (known, number)
        elif number not in known:
            self._numbers[subject] = (*known, number)

    def numbers(self, subject: Subject) -> tuple[int, ...]:
        known = self._numbers.get(subject, ())
        return (known,) if isinstance(known, int) else known


def ontology_files() -> list[Path]:
    """The ontology, its alignments and the extracts of external terms it uses."""
    root = ontology_dir()
    return sorted(root.glob("*.ttl")) + sorted((root / "imports").glob("*.ttl"))


def data_files() -> list[Path]:
    return sorted(data_dir().rglob("*.ttl"))


def reference_data_files() -> list[Path]:
    return [data_dir() / name for name in REFERENCE_DATA_FILES if (data_dir() / name).is_file()]


def project_files() -> list[Path]:
    """Ontology plus data: the graph Mitigraph publishes."""
    return ontology_files() + data_files()


def shape_files() -> list[Path]:
    return sorted(shapes_dir().glob("*.ttl"))


def published_files(graph_files: Sequence[Path] = ()) -> list[Path]:
    """The files of the published graph: the given ones, or the project's ontology and data."""
    return [Path(path) for path in graph_files] or project_files()


def files_with_reference(paths: Sequence[Path]) -> list[Path]:
    """The given files after the ontology, the taxonomy and the facet values they refer to."""
    given = {Path(path).resolve() for path in paths}
    extra = [path for path in ontology_files() + reference_data_files() if path.resolve() not in given]
    return [*extra, *(Path(path) for path in paths)]


def load_files(
    paths: Iterable[Path], *, base: str = DEFAULT_BASE, on_file: OnFile | None = None
) -> LoadedGraph:
    """Merge the given files into one store; stops at the first unreadable file.

    IRIs under the default base move to `base`; `on_file` is called after each file is read.
    """
    store = Store()
    subjects = SubjectFiles()
    read: list[Path] = []
    for number, path in enumerate(Path(path) for path in paths):
        store.bulk_extend(_file_quads(path, base=base, number=number, subjects=subjects))
        read.append(path)
        if on_file is not None:
            on_file(path)
    return LoadedGraph(store, read, subject_files=subjects, base=base)


def load_project(
    *, base: str = DEFAULT_BASE, graph_files: Sequence[Path] = (), on_file: OnFile | None = None
) -> LoadedGraph:
    """The published graph: the given files, or the project's ontology and data."""
    return load_files(published_files(graph_files), base=base, on_file=on_file)


def load_with_reference(
    paths: Sequence[Path], *, base: str = DEFAULT_BASE, on_file: OnFile | None = None
) -> LoadedGraph:
    """The given files together with the ontology, the taxonomy and the facet values they refer to."""
    return load_files(files_with_reference(paths), base=base, on_file=on_file)


def load_shapes() -> Graph:
    return load_files(shape_files()).graph


def parse_file(path: Path, *, base: str = DEFAULT_BASE) -> Graph:
    """One RDF file as an rdflib graph (for small files: tests, the importer's own output)."""
    return load_files([path], base=base).graph


def file_format(path: Path) -> tuple[RdfFormat, str]:
    """Oxigraph's format for a file, by its extension (Turtle when unknown), and the name errors use."""
    return FORMATS.get(path.suffix.lower(), FORMATS[".ttl"])


def rebase(term: TermT, *, base: str) -> TermT:
    """`term` moved under `base` when it is an IRI under the default base, so a deployment mints under its
    own domain; any other term unchanged."""
    if isinstance(term, NamedNode) and term.value.startswith(DEFAULT_BASE):
        return cast(TermT, NamedNode(base + term.value[len(DEFAULT_BASE) :]))
    return term


def _file_quads(path: Path, *, base: str, number: int, subjects: SubjectFiles) -> Iterator[Quad]:
    """The triples of one file as quads of the default graph, each subject recorded with `number`.

    Blank nodes get fresh identifiers, so two files never share one by accident.
    """
    rdf_format, name = file_format(path)
    moved = base != DEFAULT_BASE
    to_default = rdf_format.supports_datasets or moved
    last: Subject | None = None
    try:
        for quad in parse(path=path, format=rdf_format, base_iri=_base_iri(path), rename_blank_nodes=True):
            subject = rebase(quad.subject, base=base) if moved else quad.subject
            if subject != last:
                subjects.add(subject, number)
                last = subject
            if to_default:
                yield Quad(subject, quad.predicate, rebase(quad.object, base=base) if moved else quad.object)
            else:
                yield quad
    except SyntaxError as error:
        raise _syntax_error(path, name, error) from error
    except OSError as error:
        reason = _OS_ERROR_NUMBER.sub("", error.strerror or str(error))
        raise GraphLoadError(path, f"cannot read the file ({reason})") from error
    except ValueError as error:  # an IRI or a term Oxigraph refuses to store
        raise GraphLoadError(path, f"{name} cannot be loaded: {error}") from error


def _base_iri(path: Path) -> str | None:
    try:
        return path.resolve().as_uri()
    except (OSError, ValueError):
        return None


def _syntax_error(path: Path, name: str, error: SyntaxError) -> GraphLoadError:
    """The parser's message without its position prefix, at the line it names.

    Oxigraph places an error at the end of the text on the line after the last newline; a reader looks
    for it on the last line that holds anything, so the line is moved back there.
    """
    message = _PARSER_POSITION.sub("", str(error.msg or error)).strip()
    line = error.lineno
    if line is not None:
        last = _last_written_line(path)
        if last is not None and line > last:
            line = last
        elif error.offset is not None:
            message += f" (column {error.offset})"
    return GraphLoadError(path, f"{name} syntax error: {message}", line=line)


def _last_written_line(path: Path) -> int | None:
    """The number of the last line of the file holding more than white space."""
    try:
        with path.open("rb") as lines:
            last = None
            for number, text in enumerate(lines, start=1):
                if text.strip():
                    last = number
            return last
    except OSError:
        return None


def default_triples(store: Store) -> Iterator[Quad]:
    return store.quads_for_pattern(None, None, None, DefaultGraph())


def rdflib_graph(triples: Iterable[Triple | Quad], *, base: str = DEFAULT_BASE) -> Graph:
    """The same triples as an rdflib graph with our prefixes bound (terms converted; nothing is parsed)."""
    graph = bind_prefixes(Graph(), base=base)
    converted: dict[object, Node] = {}

    def term(value: object) -> Node:
        found = converted.get(value)
        if found is None:
            found = converted[value] = rdflib_term(value)
        return found

    for triple in triples:
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


def rdflib_term(term: object) -> Node:
    """An Oxigraph term as rdflib writes it: a plain string literal has no datatype, as when rdflib parses."""
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if isinstance(term, OxLiteral):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r} to an rdflib term (Mitigraph uses no RDF-star terms)")


def oxigraph_subject(node: object) -> Subject | None:
    """An rdflib IRI or blank node as the Oxigraph term; None for anything that cannot be a subject."""
    try:
        if isinstance(node, URIRef):
            return NamedNode(str(node))
        if isinstance(node, BNode):
            return BlankNode(str(node))
    except ValueError:
        return None
    return None
