"""The project graph holds everything the two seed pages state, found with SPARQL through the contract terms.

The expectations come from the seed files themselves, read here with a few line rules (not with the
importer): after the `Reasoning` line and its sentence, each listed item is a title, an optional
description, then a line `<code> <category name>` that runs straight into the next title; the text after
the last such line is the source's title, followed by the authors, the abstract and three facet values.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from mitigraph.iris import Minter
from mitigraph.loader import LoadedGraph
from mitigraph.store import GraphReader, memory_store

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = Path(os.environ.get("MITIGRAPH_SEEDS", REPO_ROOT.parent / "shared" / "seeds"))
SEED_IDS = ("000_43cf88efc51df488", "002_dc1780231b42a921")
CODE_LINE = re.compile(r"^(\d+(?:\.\d+)*) (.*)$")
SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*) (.+)$")
YEAR = re.compile(r"\((\d{4})\)$")


@dataclass(frozen=True)
class SeedItem:
    title_path: tuple[str, ...]
    code: str


@dataclass(frozen=True)
class SeedPage:
    page_id: str
    category_description: str
    parent_category_name: str
    record_text_start: str
    reasoning: str
    items: tuple[SeedItem, ...]
    source_title: str
    authors: tuple[str, ...]
    year: str
    facets: tuple[str, str, str]


def read_seed(path: Path, *, category_names: dict[str, str]) -> SeedPage:
    """Read a seed page with line rules; category names split `<code> <name><next title>` lines."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    reasoning_at = lines.index("Reasoning")
    titles = [lines[reasoning_at + 2]]
    codes = []
    code_line_indexes = []
    for index in range(reasoning_at + 2, len(lines)):
        match = CODE_LINE.match(lines[index])
        if match and match.group(2).startswith(category_names.get(match.group(1), "\0")):
            code = match.group(1)
            rest = match.group(2)[len(category_names[code]) :]
            codes.append(code)
            titles.append(rest)
            code_line_indexes.append(index)
    source_title = titles.pop()
    after_source = code_line_indexes[-1] + 1
    authors_line = lines[after_source]
    year_match = YEAR.search(authors_line)
    assert year_match, f"{path}: no (year) on the authors line {authors_line!r}"
    authors = tuple(a.strip() for a in authors_line[: year_match.start()].split(";"))
    return SeedPage(
        page_id=path.stem,
        category_description=lines[2],
        parent_category_name=lines[3].removeprefix("Also in "),
        record_text_start=lines[4][:60],
        reasoning=lines[reasoning_at + 1],
        items=tuple(SeedItem(tuple(t.split(" > ")), code) for t, code in zip(titles, codes, strict=True)),
        source_title=source_title,
        authors=authors,
        year=year_match.group(1),
        facets=(lines[-6], lines[-4], lines[-2]),
    )


@pytest.fixture(scope="module")
def reader(project: LoadedGraph) -> GraphReader:
    return GraphReader(memory_store(project.graph))


@pytest.fixture(scope="module")
def category_names(reader: GraphReader) -> dict[str, str]:
    rows = reader.select(
        "SELECT ?code ?name WHERE { ?c a mg:Category ; skos:notation ?code ; skos:prefLabel ?name }"
    )
    return {row["code"].value: row["name"].value for row in rows}


@pytest.fixture(scope="module", params=SEED_IDS)
def seed(request: pytest.FixtureRequest, category_names: dict[str, str]) -> SeedPage:
    path = SEEDS_DIR / f"{request.param}.txt"
    if not path.is_file():
        pytest.fail(
            f"seed page {path} not found: set MITIGRAPH_SEEDS to the directory holding the seed pages"
        )
    return read_seed(path, category_names=category_names)


def page_iri(seed: SeedPage) -> NamedNode:
    return NamedNode(str(Minter().page(seed.page_id)))


def test_the_line_rules_find_every_listed_item(seed: SeedPage) -> None:
    expected = {"000_43cf88efc51df488": 13, "002_dc1780231b42a921": 6}
    assert len(seed.items) == expected[seed.page_id]


def test_every_listed_item_is_a_mitigation_with_its_title_code_source_and_parent(
    seed: SeedPage, reader: GraphReader
) -> None:
    query = """
        SELECT * WHERE {
            ?m a mg:Mitigation ;
               rdfs:label ?label ;
               mg:inCategory/skos:notation ?code ;
               mg:citedIn/dcterms:title ?source ;
               prov:wasDerivedFrom ?page .
            OPTIONAL { ?m mg:partOf/rdfs:label ?parentLabel }
            OPTIONAL { ?m mg:sectionNumber ?section }
        }"""
    occurrences = Counter(seed.items)
    for item, times in occurrences.items():
        *parents, title = item.title_path
        section_match = SECTION_NUMBER.match(title)
        label = section_match.group(2) if section_match else title
        rows = reader.select(
            query,
            label=Literal(label),
            code=Literal(item.code),
            source=Literal(seed.source_title),
            page=page_iri(seed),
        )
        rows = [
            row
            for row in rows
            if (row.get("parentLabel") and row["parentLabel"].value) == (parents[-1] if parents else None)
            and (row.get("section") and row["section"].value)
            == (section_match.group(1) if section_match else None)
        ]
        assert len(rows) == times, (
            f"{seed.page_id}: {' > '.join(item.title_path)} ({item.code}) found {len(rows)} times"
        )


def test_nothing_is_invented_each_page_yields_its_items_and_its_own_record(
    seed: SeedPage, reader: GraphReader
) -> None:
    rows = reader.select(
        "SELECT ?m ?page WHERE { ?m a mg:Mitigation ; prov:wasDerivedFrom ?page }", page=page_iri(seed)
    )
    assert len(rows) == len(seed.items) + 1


def test_the_own_record_has_its_category_text_reasoning_and_facets(
    seed: SeedPage, reader: GraphReader
) -> None:
    record = NamedNode(str(Minter().page_record(seed.page_id)))
    rows = reader.select(
        """SELECT * WHERE {
            ?record a mg:Mitigation ; rdfs:label ?label ; dcterms:description ?text ;
                mg:reasoning ?reasoning ;
                mg:inCategory ?category ; mg:citedIn/dcterms:title ?source ;
                mg:lifecycleStage/skos:prefLabel ?stage ; mg:actor/skos:prefLabel ?actor ;
                mg:riskManagementFunction/skos:prefLabel ?function .
            ?category skos:definition ?description ; mg:subcategoryOf/skos:prefLabel ?parentName .
        }""",
        record=record,
    )
    assert len(rows) == 1, f"{record.value}: expected one match, got {len(rows)}"
    row = {name: term.value for name, term in rows[0].items()}
    assert row["description"] == seed.category_description
    assert row["parentName"] == seed.parent_category_name
    assert row["text"].startswith(seed.record_text_start)
    assert row["reasoning"] == seed.reasoning
    assert row["source"] == seed.source_title
    assert (row["stage"], row["actor"], row["function"]) == seed.facets


def test_the_source_has_its_year_and_all_authors_in_order(seed: SeedPage, reader: GraphReader) -> None:
    rows = reader.select(
        """SELECT ?title ?name ?family ?given (COUNT(?step) AS ?position) WHERE {
            ?source a mg:Source ; dcterms:title ?title ; bibo:authorList ?list .
            ?list rdf:rest* ?step . ?step rdf:rest* ?node . ?node rdf:first ?author .
            OPTIONAL { ?author foaf:name ?name }
            OPTIONAL { ?author foaf:familyName ?family ; foaf:givenName ?given }
        } GROUP BY ?title ?node ?author ?name ?family ?given ORDER BY ?position""",
        title=Literal(seed.source_title),
    )
    written = [
        f"{row['family'].value}, {row['given'].value}" if "family" in row else row["name"].value
        for row in rows
    ]
    assert written == list(seed.authors)
    year = reader.select(
        "SELECT ?title ?year WHERE { ?source dcterms:title ?title ; dcterms:issued ?year }",
        title=Literal(seed.source_title),
    )
    assert [row["year"].value for row in year] == [seed.year]
    assert reader.ask(
        "ASK { ?source dcterms:title ?title ; dcterms:issued ?year . FILTER(DATATYPE(?year) = xsd:gYear) }",
        title=Literal(seed.source_title),
    )


def test_an_item_listed_with_and_without_a_section_number_is_two_linked_records(reader: GraphReader) -> None:
    rows = reader.select(
        """SELECT ?a ?b WHERE {
            ?a mg:nearDuplicateOf ?b ; rdfs:label "Data Filtering" .
            ?b rdfs:label "Data Filtering" ; mg:sectionNumber "2.1" .
        }"""
    )
    assert len(rows) == 1
    assert rows[0]["a"] != rows[0]["b"]


def test_limitations_of_post_training_come_in_three_families(reader: GraphReader) -> None:
    rows = reader.select(
        """SELECT ?record ?family (COUNT(?specific) AS ?problems) WHERE {
            ?record mg:hasLimitation ?specific .
            ?specific mg:limitationFamily ?family .
            ?record mg:hasLimitation ?family .
        } GROUP BY ?record ?family""",
        record=NamedNode(str(Minter().page_record("002_dc1780231b42a921"))),
    )
    counts = sorted(int(row["problems"].value) for row in rows)
    assert counts == [1, 3, 3]


def test_every_curated_link_is_justified_and_attributed(reader: GraphReader) -> None:
    links = reader.select("SELECT ?m ?l WHERE { ?m mg:addressesLimitation ?l }")
    justified = reader.select(
        """SELECT ?m ?l WHERE {
            ?statement a rdf:Statement ; rdf:subject ?m ; rdf:predicate mg:addressesLimitation ;
                rdf:object ?l ;
                mg:justification ?why ; prov:wasAttributedTo ?curators .
            ?m a mg:Mitigation .
            ?l a mg:Limitation .
        }"""
    )
    assert len(links) >= 3
    assert sorted((r["m"].value, r["l"].value) for r in links) == sorted(
        (r["m"].value, r["l"].value) for r in justified
    )


def test_the_dataset_says_the_navigator_data_is_preliminary(reader: GraphReader) -> None:
    rows = reader.select(
        """SELECT * WHERE {
            ?dataset a void:Dataset , dcat:Dataset ; mg:dataNotice ?notice ; dcterms:license ?licence .
        }""",
        dataset=NamedNode(str(Minter().dataset())),
    )
    assert len(rows) == 1
    assert "preliminary" in rows[0]["notice"].value
