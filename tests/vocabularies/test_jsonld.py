"""JSON-LD for developers: the published context, the compact graph and one framed mitigation, read back.

The whole-graph document is compacted node by node (mitigraph.jsonld_compaction); it is compared here with
pyld's compaction of the same graph, node by node and as RDF (tests/vocabularies/test_jsonld_pyld.py does
so at 2,000 mitigations).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Store
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.term import Node
from tests.vocabularies.jsonld_reference import (
    compact_document,
    node_table,
    pyld_compaction,
    written_as_rdf,
)

from mitigraph.jsonld import (
    JsonLdError,
    blank_list_cells,
    context,
    context_terms,
    declared_terms,
    describe_mitigation,
    dumps,
    frame_description,
    framed_mitigation,
    read_terms,
)
from mitigraph.loader import load_files, ontology_files
from mitigraph.namespaces import BIBO, DEFAULT_BASE, MG, PREFIXES
from mitigraph.store import memory_store

SHORT_KEYS = (
    "label",
    "description",
    "category",
    "citedIn",
    "partOf",
    "lifecycleStage",
    "actor",
    "riskManagementFunction",
    "notation",
    "title",
    "authors",
)


def read_back(document: dict[str, Any], tmp_path: Path) -> Graph:
    """Write the document to a .jsonld file and read it through the project's loader (context inline)."""
    path = tmp_path / "document.jsonld"
    path.write_bytes(dumps(document))
    return load_files([path]).graph


@pytest.fixture(scope="module")
def store(published: Graph) -> Store:
    return memory_store(published)


@pytest.fixture(scope="module")
def with_authors(published: Graph, mitigations: list[URIRef]) -> URIRef:
    """A mitigation whose source lists two or more authors."""
    for mitigation in mitigations:
        source = published.value(mitigation, MG.citedIn)
        head = published.value(source, BIBO.authorList) if source is not None else None
        if head is not None and len(list(Collection(published, head))) >= 2:
            return mitigation
    pytest.fail("the sample has no mitigation whose source lists two authors")


# ---------------------------------------------------------------- the context


def test_the_context_gives_short_keys_for_our_terms() -> None:
    terms = context()["@context"]
    for key in SHORT_KEYS:
        assert key in terms, key
    assert terms["category"] == {"@id": "mg:inCategory", "@type": "@id"}
    assert terms["authors"]["@container"] == "@list"
    assert terms["Mitigation"] == "mg:Mitigation"


def test_every_short_key_of_ours_names_a_term_the_ontology_declares() -> None:
    ontology = load_files(ontology_files()).graph
    terms = declared_terms()
    ours = {key: definition for key, definition in terms.items() if _curie(definition).startswith("mg:")}
    assert "category" in ours and "Mitigation" in ours
    for key, definition in ours.items():
        iri = MG[_curie(definition).removeprefix("mg:")]
        assert (iri, RDF.type, None) in ontology, f"{key}: {iri} is not declared in ontology/"


def test_every_short_key_uses_a_known_prefix() -> None:
    for key, definition in declared_terms().items():
        assert _curie(definition).split(":", 1)[0] in PREFIXES, key


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"classes": {}, "properties": {"label": "rdfs:label",}}', "line 1 column 54"),
        ('{"classes": {}}', "expected an object with the tables 'classes' and 'properties'"),
        ("[]", "expected an object with the tables 'classes' and 'properties'"),
    ],
)
def test_a_bad_file_of_terms_is_refused_by_name(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "jsonld-terms.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JsonLdError, match=re.escape(str(path))) as refused:
        read_terms(path)
    assert said in str(refused.value)


def _curie(definition: str | dict[str, str]) -> str:
    return definition if isinstance(definition, str) else definition["@id"]


def test_the_context_is_json_with_no_remote_parts() -> None:
    text = json.dumps(context())
    assert "http" in text  # prefixes are IRIs
    assert '"@import"' not in text and '"@context": "' not in text


# ---------------------------------------------------------------- the compact graph


@pytest.fixture(scope="module")
def document(store: Store) -> dict[str, Any]:
    return compact_document(store)


def test_the_compact_graph_reads_back_as_the_same_graph(
    published: Graph, document: dict[str, Any], tmp_path: Path
) -> None:
    assert set(document) == {"@context", "@graph"}
    assert document["@context"] == context_terms()
    assert isomorphic(read_back(document, tmp_path), blank_list_cells(published))


def test_each_node_is_the_node_pyld_compacts(published: Graph, document: dict[str, Any]) -> None:
    """pyld's compaction of the whole graph with the published context: the same node objects (values
    compared as sets, blank-node labels left out), and the same graph when both are read as RDF."""
    reference = pyld_compaction(published)
    ours, theirs = node_table(document), node_table(reference)
    assert sorted(ours) == sorted(theirs)
    for node_id, node in ours.items():
        assert node == theirs[node_id], node_id
    assert isomorphic(written_as_rdf(document), written_as_rdf(reference))


def test_one_node_object_per_subject(published: Graph, document: dict[str, Any]) -> None:
    ids = [node["@id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids))
    cells = {str(cell) for cell in published.subjects(RDF.first)}
    assert not cells & set(ids), "list cells are written inside their lists"


def _without_list_cells(graph: Graph) -> set[tuple[Node, Node, Node]]:
    cells = set(graph.subjects(RDF.first))
    return {t for t in graph if t[0] not in cells and t[2] not in cells}


def test_only_the_names_of_list_cells_differ_from_the_published_graph(published: Graph) -> None:
    """JSON-LD lists cannot name their cells; every other triple, and every list's order, is kept."""
    written = blank_list_cells(published)
    assert _without_list_cells(written) == _without_list_cells(published)
    for source, head in published.subject_objects(BIBO.authorList):
        assert list(Collection(written, written.value(source, BIBO.authorList))) == list(
            Collection(published, head)
        )


def test_the_compact_graph_uses_the_short_keys(document: dict[str, Any], mitigations: list[URIRef]) -> None:
    nodes = {node["@id"]: node for node in document["@graph"]}
    record = nodes[str(mitigations[0])]
    assert record["@type"] == "Mitigation"
    assert record["category"].startswith(DEFAULT_BASE + "category/")
    assert "label" in record and "citedIn" in record


# ---------------------------------------------------------------- one mitigation, framed


def test_a_framed_mitigation_is_one_object_with_its_iri(
    published: Graph, store: Store, with_authors: URIRef
) -> None:
    document = framed_mitigation(store, with_authors)
    assert document["@id"] == str(with_authors)
    assert document["@type"] == "Mitigation"
    assert "@graph" not in document


def test_category_source_and_facets_are_nested(published: Graph, store: Store, with_authors: URIRef) -> None:
    document = framed_mitigation(store, with_authors)
    category = document["category"]
    assert category["@id"] == str(published.value(with_authors, MG.inCategory))
    assert category["notation"] and category["prefLabel"]
    assert document["citedIn"]["title"]
    for key in ("lifecycleStage", "actor", "riskManagementFunction"):
        assert document[key]["prefLabel"], key


def test_the_authors_are_nested_in_the_order_the_source_gives(
    published: Graph, store: Store, with_authors: URIRef
) -> None:
    source = published.value(with_authors, MG.citedIn)
    in_graph = [str(a) for a in Collection(published, published.value(source, BIBO.authorList))]
    authors = framed_mitigation(store, with_authors)["citedIn"]["authors"]
    assert [author["@id"] for author in authors] == in_graph
    assert all(author["name"] for author in authors)


def test_facet_values_bring_their_links_to_other_vocabularies(
    published: Graph, store: Store, mitigations: list[URIRef]
) -> None:
    linked = [
        m for m in mitigations if str(published.value(m, MG.riskManagementFunction)).endswith("/govern")
    ]
    assert linked, "the sample has no mitigation tagged Govern"
    function = framed_mitigation(store, linked[0])["riskManagementFunction"]
    assert function["exactMatch"]["@id"] == "https://w3id.org/lmodel/nist-ai-rmf/FunctionEnum#GOVERN"
    assert function["exactMatch"]["labelEn"] == "Govern"


def test_a_framed_mitigation_reads_back_as_its_description(
    published: Graph, store: Store, mitigations: list[URIRef], tmp_path: Path
) -> None:
    for mitigation in mitigations:
        description = blank_list_cells(describe_mitigation(store, mitigation))
        assert isomorphic(read_back(framed_mitigation(store, mitigation), tmp_path), description), mitigation


def test_a_description_holds_the_records_own_triples(
    published: Graph, store: Store, with_authors: URIRef
) -> None:
    description = describe_mitigation(store, with_authors)
    own = set(published.triples((with_authors, None, None)))
    assert own <= set(description)
    assert frame_description(description, with_authors)["@id"] == str(with_authors)


def test_something_that_is_not_a_mitigation_is_refused_by_name(published: Graph, store: Store) -> None:
    category = next(published.subjects(RDF.type, MG.Category))
    with pytest.raises(JsonLdError, match="is not a mitigation"):
        framed_mitigation(store, URIRef(str(category)))
