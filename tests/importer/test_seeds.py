"""The two seed pages end to end, each imported on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from importer_helpers import select
from rdflib import Graph
from rdflib.namespace import SKOS
from tests.support.paths import seed_pages

from mitigraph.importer.importing import PageImport, import_page
from mitigraph.importer.taxonomy import ReferenceTerms


def lines_of(page: Path) -> list[str]:
    return [line.strip() for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]


def code_lines(lines: list[str], reference: Graph) -> dict[int, str]:
    """The lines that start with a category's code and name, by index, with that code: each closes an item
    (and carries the next item's title, or the source's title after the last item)."""
    shown = [
        (str(code), str(name))
        for category, code in reference.subject_objects(SKOS.notation)
        for name in reference.objects(category, SKOS.prefLabel)
    ]
    return {
        number: code
        for number, line in enumerate(lines)
        for code, name in shown
        if line.startswith(f"{code} {name}")
    }


@pytest.fixture(scope="module")
def seeds(terms: ReferenceTerms) -> list[PageImport]:
    return [import_page(path, terms=terms) for path in seed_pages()]


@pytest.mark.parametrize("index", [0, 1])
def test_every_item_of_the_seed_is_in_its_graph_with_its_code(
    seeds: list[PageImport], reference: Graph, index: int
) -> None:
    page = seeds[index]
    lines = lines_of(page.path)
    codes = code_lines(lines, reference)
    found = select(
        page.graph,
        f"""SELECT ?label ?section ?code WHERE {{
            ?item mg:citedIn ?source ; rdfs:label ?label ; mg:inCategory/skos:notation ?code .
            <{page.record}> mg:citedIn ?source .
            OPTIONAL {{ ?item mg:sectionNumber ?section }} }}""",
    )
    assert len(found) == len(codes), "each code line closes one item (the last then carries the source)"
    for label, section, code in found:
        title = f"{section} {label}" if section else str(label)
        closing = [
            next(codes[after] for after in sorted(codes) if after > number)
            for number, line in enumerate(lines)
            if line.endswith(title) and number < max(codes)
        ]
        assert code in closing, f"{title!r}: the next code line after it shows {closing}, not {code}"


def test_the_seed_records_are_classified_from_their_category_descriptions(
    seeds: list[PageImport], reference: Graph
) -> None:
    for page in seeds:
        description = lines_of(page.path)[2]
        described = [
            str(reference.value(category, SKOS.notation))
            for category, definition in reference.subject_objects(SKOS.definition)
            if str(definition) == description
        ]
        assert len(described) == 1, "the reference taxonomy describes the seed's category so"
        codes = select(page.graph, f"SELECT ?c WHERE {{ <{page.record}> mg:inCategory/skos:notation ?c }}")
        assert codes == [(described[0],)]


def test_the_seed_sources_have_their_authors_in_order_and_year(seeds: list[PageImport]) -> None:
    for page in seeds:
        rows = select(
            page.graph,
            f"""SELECT ?family ?given ?name ?year WHERE {{
                <{page.record}> mg:citedIn ?source . ?source dcterms:issued ?year ;
                    bibo:authorList/rdf:rest*/rdf:first ?agent . ?agent foaf:name ?name .
                OPTIONAL {{ ?agent foaf:familyName ?family }}
                OPTIONAL {{ ?agent foaf:givenName ?given }} }}""",
        )
        assert rows, "the seed shows its source's authors"
        written = "; ".join(f"{family}, {given}" if family else str(name) for family, given, name, _ in rows)
        years = {year for *_, year in rows}
        assert len(years) == 1
        assert f"{written} ({years.pop()})" in lines_of(page.path), "the authors, in order, as the page shows"


def test_the_seeds_import_without_warnings(seeds: list[PageImport]) -> None:
    assert [str(warning) for page in seeds for warning in page.warnings] == []
