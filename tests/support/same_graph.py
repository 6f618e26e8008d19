"""Comparing large graphs quickly: canonical N-Triples (RDFC-1.0, by Oxigraph) instead of rdflib's
`isomorphic`, which takes tens of seconds at 20,000 triples.

Two graphs are the same (isomorphic) exactly when their canonical forms are equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

RDF_FIRST = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")


def canonical_ntriples(triples: Iterable[Triple | Quad]) -> list[str]:
    """The triples' canonical N-Triples lines (blank nodes labelled by RDFC-1.0), sorted."""
    dataset = Dataset(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    written = serialize((quad.triple for quad in dataset), format=RdfFormat.N_TRIPLES)
    assert written is not None
    return sorted(written.decode("utf-8").splitlines())


def file_triples(path: Path) -> list[Quad]:
    """Every triple of an RDF file (any graph of a TriG file), by its extension."""
    return list(parse(path=str(path), format=RdfFormat.from_extension(Path(path).suffix.lstrip("."))))


def with_blank_list_cells(triples: Iterable[Triple | Quad]) -> list[Quad]:
    """The triples with every IRI-named RDF list cell a blank node, as JSON-LD writes lists."""
    quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
    cells = {
        q.subject: BlankNode() for q in quads if q.predicate == RDF_FIRST and isinstance(q.subject, NamedNode)
    }
    return [
        Quad(cells.get(q.subject, q.subject), q.predicate, cells.get(q.object, q.object), DefaultGraph())  # type: ignore[arg-type]
        for q in quads
    ]
