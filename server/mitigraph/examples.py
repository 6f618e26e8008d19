"""The curated example queries: one Turtle file each in `queries/`, described as sib-swiss/sparql-examples do.

Each file holds one `sh:SPARQLExecutable` with its query (`sh:select`, `sh:construct` or `sh:ask`), an
`rdfs:label` (the YASGUI tab name), an `rdfs:comment` and `schema:keywords`. Examples
are data: the endpoint shows them as YASGUI tabs and the tests run every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from mitigraph.assets import queries_dir
from mitigraph.loader import load_files
from mitigraph.namespaces import SCHEMA

QUERY_FORMS = {"select": SH.select, "construct": SH.construct, "ask": SH.ask}


class ExampleError(ValueError):
    """An example query file is incomplete; the message names the file and the missing property."""


@dataclass(frozen=True)
class ExampleQuery:
    iri: str
    label: str
    comment: str
    keywords: tuple[str, ...]
    form: str
    """`select`, `construct` or `ask`."""
    query: str
    file: Path


def example_queries(directory: Path | None = None) -> list[ExampleQuery]:
    """Every example in `directory` (default: the project's `queries/`), in file-name order."""
    files = sorted((directory or queries_dir()).glob("*.ttl"))
    return [example_from_file(path) for path in files]


def example_from_file(path: Path) -> ExampleQuery:
    """One example query file; raises ExampleError (or GraphLoadError) naming the file."""
    return _read_example(load_files([path]).graph, path)


def _read_example(graph: Graph, path: Path) -> ExampleQuery:
    subjects = list(graph.subjects(RDF.type, SH.SPARQLExecutable))
    if len(subjects) != 1:
        raise ExampleError(f"{path}: expected exactly one sh:SPARQLExecutable, found {len(subjects)}")
    subject = subjects[0]
    forms = [(form, graph.value(subject, predicate)) for form, predicate in QUERY_FORMS.items()]
    present = [(form, text) for form, text in forms if text is not None]
    if len(present) != 1:
        raise ExampleError(f"{path}: give exactly one of sh:select, sh:construct, sh:ask")
    form, text = present[0]
    return ExampleQuery(
        iri=str(subject),
        label=_required_text(graph, subject, RDFS.label, path),
        comment=_required_text(graph, subject, RDFS.comment, path),
        keywords=tuple(sorted(str(keyword) for keyword in graph.objects(subject, SCHEMA.keywords))),
        form=form,
        query=str(text).strip() + "\n",
        file=path,
    )


def _required_text(graph: Graph, subject: Node, predicate: URIRef, path: Path) -> str:
    value = graph.value(subject, predicate)
    if not isinstance(value, Literal) or not str(value).strip():
        raise ExampleError(f"{path}: {subject} has no {graph.qname(predicate)}")
    return str(value).strip()
