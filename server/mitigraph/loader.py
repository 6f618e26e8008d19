"""The one place that reads RDF files into a graph. Every command and the server load through here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node
from rdflib.util import guess_format

from mitigraph.assets import data_dir, ontology_dir, shapes_dir
from mitigraph.namespaces import DEFAULT_BASE, bind_prefixes

QUAD_FORMATS = {"trig", "nquads", "trix"}
REFERENCE_DATA_FILES = ("taxonomy.ttl", "facets.ttl")
"""Data files that `validate FILE` adds to the given files: the taxonomy and the facet values."""


class GraphLoadError(Exception):
    """An RDF file could not be read. The message names the file and, where known, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class LoadedGraph:
    """A merged graph and, for error reports, which file stated what about each subject."""

    graph: Graph
    files: tuple[Path, ...]
    _subject_files: dict[Node, list[Path]] = field(default_factory=dict, repr=False)

    def files_describing(self, node: Node) -> list[Path]:
        """The files in which `node` is the subject of at least one triple."""
        return self._subject_files.get(node, [])


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


def parse_file(path: Path, *, base: str = DEFAULT_BASE) -> Graph:
    """Parse one RDF file, turning every parser's error into a GraphLoadError with file and line.

    Quad formats (TriG, N-Quads) are read whole: the triples of every named graph join the one graph.
    """
    path = Path(path)
    rdf_format = guess_format(str(path)) or "turtle"
    try:
        text = path.read_bytes()
    except OSError as error:
        raise GraphLoadError(path, f"cannot read the file ({error.strerror})") from error
    try:
        if rdf_format in QUAD_FORMATS:
            dataset = Dataset()
            dataset.parse(data=text, format=rdf_format)
            graph = Graph()
            for s, p, o, _graph_name in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph = Graph().parse(data=text, format=rdf_format)
    except BadSyntax as error:
        raise GraphLoadError(
            path, f"{rdf_format} syntax error: {error._why}", line=_error_line(error)
        ) from error
    except (ParserError, SyntaxError, ValueError, UnicodeDecodeError) as error:
        raise GraphLoadError(path, f"{rdf_format} syntax error: {error}") from error
    if base != DEFAULT_BASE:
        graph = rebase(graph, base=base)
    return graph


def rebase(graph: Graph, *, base: str) -> Graph:
    """Move every IRI under the default base to `base`, so a deployment can mint under its own domain."""

    def moved(term: Node) -> Node:
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(base + str(term)[len(DEFAULT_BASE) :])
        return term

    result = Graph()
    for s, p, o in graph:
        result.add((moved(s), p, moved(o)))
    return result


def load_files(paths: Iterable[Path], *, base: str = DEFAULT_BASE) -> LoadedGraph:
    """Merge the given files into one graph; stops at the first unreadable file."""
    merged = bind_prefixes(Graph(), base=base)
    subject_files: dict[Node, list[Path]] = {}
    read: list[Path] = []
    for path in paths:
        graph = parse_file(Path(path), base=base)
        for s in set(graph.subjects()):
            subject_files.setdefault(s, []).append(Path(path))
        merged += graph
        read.append(Path(path))
    return LoadedGraph(graph=merged, files=tuple(read), _subject_files=subject_files)


def load_project(*, base: str = DEFAULT_BASE, graph_files: Sequence[Path] = ()) -> LoadedGraph:
    """The published graph: the given files, or the project's ontology and data."""
    return load_files(list(graph_files) or project_files(), base=base)


def load_with_reference(paths: Sequence[Path], *, base: str = DEFAULT_BASE) -> LoadedGraph:
    """The given files together with the ontology, the taxonomy and the facet values they refer to."""
    extra = [
        p
        for p in ontology_files() + reference_data_files()
        if p.resolve() not in {Path(x).resolve() for x in paths}
    ]
    return load_files([*extra, *paths], base=base)


def load_shapes() -> Graph:
    return load_files(shape_files()).graph


def _error_line(error: BadSyntax) -> int:
    """The 1-based line of a Turtle/N3 syntax error, counted from the parser's offset into the text.

    BadSyntax.lines drifts past the end of the text for errors at the end of a file, so the offset wins.
    """
    text, offset = getattr(error, "_str", None), getattr(error, "_i", None)
    if isinstance(text, bytes | str) and isinstance(offset, int):
        newline = b"\n" if isinstance(text, bytes) else "\n"
        return text.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    return int(error.lines) + 1
