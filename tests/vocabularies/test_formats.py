"""The format registry: one entry per format, names that resolve one way per kind, writers that write what
they say (read back by an independent parser)."""

from __future__ import annotations

import io
import json

import pytest
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple, parse

from mitigraph.formats import (
    FORMATS,
    W3C_FORMATS,
    Format,
    UnknownFormat,
    format_for_media_type,
    format_named,
    formats_for,
    serialize_triples,
)
from mitigraph.jsonld import context_terms, write_jsonld
from mitigraph.web.negotiation import Offer, negotiate, offers_for

BASE = "https://w3id.org/mitigraph/id/"
MG = "https://w3id.org/mitigraph/ontology#"
TRIPLES = [
    Triple(NamedNode(BASE + "mitigation/a"), NamedNode(MG + "inCategory"), NamedNode(BASE + "category/1.1")),
    Triple(
        NamedNode(BASE + "mitigation/a"),
        NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Á"),
    ),
]


def test_names_are_unique_and_aliases_are_unique_within_a_kind() -> None:
    assert len({fmt.name for fmt in FORMATS}) == len(FORMATS)
    for kind in ("graph", "results", "table", "mappings"):
        names = [name for fmt in FORMATS if fmt.kind == kind for name in fmt.names]
        assert len(names) == len(set(names)), kind
        media_types = [fmt.media_type for fmt in FORMATS if fmt.kind == kind]
        assert len(media_types) == len(set(media_types)), kind


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("ttl", "graph", "turtle"),
        ("Turtle", None, "turtle"),
        ("nt", None, "ntriples"),
        ("rdf", None, "rdfxml"),
        ("xml", "graph", "rdfxml"),
        ("xml", "results", "sparql-xml"),
        ("json", "results", "sparql-json"),
        ("json", "graph", "jsonld"),
        ("csv", "results", "sparql-csv"),
        ("csv", None, "csv"),
        ("tsv", None, "sparql-tsv"),
        ("sssom", None, "sssom"),
    ],
)
def test_a_name_or_alias_names_one_format_per_kind(name: str, kind: str | None, expected: str) -> None:
    assert format_named(name, kind=kind).name == expected  # type: ignore[arg-type]


def test_an_unknown_name_is_refused_listing_the_names() -> None:
    with pytest.raises(UnknownFormat, match="turtle") as refused:
        format_named("yaml", among=formats_for("export"))
    assert "sparql-json" not in str(refused.value)


@pytest.mark.parametrize(
    ("media_type", "kind", "expected"),
    [
        ("text/turtle", None, "turtle"),
        ("application/x-turtle; charset=utf-8", None, "turtle"),
        ("application/json", "results", "sparql-json"),
        ("application/json", "graph", "jsonld"),
        ("text/csv", None, "csv"),
        ("text/csv", "results", "sparql-csv"),
    ],
)
def test_a_media_type_names_a_format(media_type: str, kind: str | None, expected: str) -> None:
    assert format_for_media_type(media_type, kind=kind).name == expected  # type: ignore[arg-type]


def test_each_route_offers_what_it_always_offered() -> None:
    assert [f.extension for f in formats_for("download")] == ["ttl", "jsonld", "nt", "rdf", "csv"]
    assert [f.media_type for f in formats_for("page")] == [
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
    ]
    assert [f.short_name for f in formats_for("sparql", kind="results")] == ["json", "xml", "csv", "tsv"]
    assert [f.short_name for f in formats_for("sparql", kind="graph")] == ["ttl", "jsonld", "nt", "rdf"]
    assert [f.file_name for f in formats_for("export")] == [
        "mitigraph.ttl",
        "mitigraph.jsonld",
        "mitigraph.nt",
        "mitigraph.rdf",
        "mitigraph.trig",
        "mitigraph.csv",
        "mitigraph.sssom.tsv",
    ]


def test_oxigraph_writes_the_media_type_the_registry_announces() -> None:
    """And the formats' names are the W3C's (Oxigraph names JSON-LD under .../formats/data/, the registry
    of http://www.w3.org/ns/formats/ does not)."""
    for fmt in FORMATS:
        if fmt.kind == "graph":
            assert fmt.rdf_format.media_type == fmt.media_type, fmt.name
            assert fmt.w3c_iri == W3C_FORMATS + fmt.rdf_format.iri.rsplit("/", 1)[1], fmt.name
        elif fmt.kind == "results":
            assert fmt.results_format.media_type.split(";")[0] == fmt.media_type, fmt.name
            assert fmt.w3c_iri == fmt.results_format.iri, fmt.name
    assert isinstance(format_named("json", kind="results").results_format, QueryResultsFormat)


@pytest.mark.parametrize("fmt", formats_for("page"), ids=lambda fmt: fmt.name)
def test_a_few_triples_read_back_in_every_page_format(fmt: Format) -> None:
    written = serialize_triples(TRIPLES, fmt, base=BASE)
    read = {quad.triple for quad in parse(written, format=RdfFormat.from_media_type(fmt.media_type))}
    assert read == set(TRIPLES)


def test_a_pages_jsonld_is_the_one_compaction() -> None:
    document = json.loads(serialize_triples(TRIPLES, format_named("jsonld"), base=BASE))
    assert document["@context"] == context_terms()
    assert document["@graph"] == [
        {"@id": BASE + "mitigation/a", "category": BASE + "category/1.1", "label": "Á"}
    ]
    output = io.BytesIO()
    write_jsonld(TRIPLES, output, base=BASE)
    assert json.loads(output.getvalue()) == document


def test_offers_come_from_the_registry_and_take_every_name() -> None:
    offers = offers_for("sparql", kind="graph")
    assert offers[0] == Offer.of(format_named("turtle"))
    for value in ("ttl", "turtle", "n3", "text/turtle"):
        assert negotiate(offers, accept="application/rdf+xml", format_param=value).media_type == "text/turtle"
    assert negotiate(offers, accept="application/json").media_type == "application/ld+json"
