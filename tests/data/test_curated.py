"""The curated data stays attached to the regenerated records, and the dataset keeps its notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_pages import corpus_pages, lines_of
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from mitigraph.assets import data_dir
from mitigraph.iris import Minter
from mitigraph.loader import load_files
from mitigraph.namespaces import BIBO, MG

CURATED = sorted((data_dir() / "curated").glob("*.ttl"))


@pytest.mark.parametrize("path", CURATED, ids=lambda path: path.name)
def test_every_record_a_curated_file_names_is_an_imported_record(graph: Graph, path: Path) -> None:
    curated = load_files([path]).graph
    named = {
        node
        for triple in curated
        for node in (triple[0], triple[2])
        if isinstance(node, URIRef) and "/mitigation/" in str(node)
    }
    assert named, f"{path.name} names no record"
    assert {node for node in named if (node, RDF.type, MG.Mitigation) not in graph} == set()


def test_a_record_titled_by_its_listing_gets_no_derived_label(graph: Graph) -> None:
    labels = load_files([data_dir() / "curated" / "labels.ttl"]).graph
    for record in labels.subjects(MG.labelIsDerived, Literal(True)):
        assert len(list(graph.objects(record, RDFS.label))) == 1, f"{record} has a title and a derived label"


def test_a_limitation_family_groups_limitations_of_the_same_record(graph: Graph) -> None:
    families = set(graph.objects(None, MG.limitationFamily))
    assert families
    for family in families:
        members = set(graph.subjects(MG.limitationFamily, family))
        for member in members:
            owners = set(graph.subjects(MG.hasLimitation, member))
            assert owners and owners <= set(graph.subjects(MG.hasLimitation, family)), member


def test_every_source_lists_its_authors_in_the_order_a_page_shows(graph: Graph) -> None:
    shown = {line for page in corpus_pages() for line in lines_of(page)}
    for source in set(graph.subjects(BIBO.authorList, None)):
        cells = graph.value(source, BIBO.authorList)
        names = []
        while cells is not None and cells != RDF.nil:
            agent = graph.value(cells, RDF.first)
            family = graph.value(agent, URIRef("http://xmlns.com/foaf/0.1/familyName"))
            given = graph.value(agent, URIRef("http://xmlns.com/foaf/0.1/givenName"))
            name = graph.value(agent, URIRef("http://xmlns.com/foaf/0.1/name"))
            names.append(f"{family}, {given}" if family and given else str(family or name))
            cells = graph.value(cells, RDF.rest)
        year = graph.value(source, DCTERMS.issued)
        assert f"{'; '.join(names)} ({year})" in shown, source


def test_the_dataset_says_the_navigator_data_is_preliminary(graph: Graph) -> None:
    notice = graph.value(Minter().dataset(), MG.dataNotice)
    assert notice is not None and "preliminary" in str(notice)
    assert graph.value(Minter().dataset(), DCTERMS.license) is not None
