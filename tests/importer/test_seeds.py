"""The two seed pages end to end, each imported on its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from importer_helpers import seed_pages, select
from rdflib import Graph
from rdflib.namespace import SKOS

from mitigraph.importer.importing import PageImport, import_page
from mitigraph.importer.reference import ReferenceTerms

CODE_LINE = r"^(?P<code>\d+(?:\.\d+)*) (?P<name>{names})(?P<rest>.*)$"


def listed_in_seed(path: Path, reference: Graph) -> list[tuple[str, str]]:
    """(title, code) of every item the seed lists, read straight from its text.

    Each `<code> <name>` line closes one item and carries the next title; the first title is the line after
    the reasoning sentence; the last code line carries the source title instead.
    """
    names = sorted((str(name) for name in reference.objects(None, SKOS.prefLabel)), key=len, reverse=True)
    code_line = re.compile(CODE_LINE.format(names="|".join(map(re.escape, names))))
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    after_reasoning = lines[lines.index("Reasoning") + 2 :]
    matches = [(i, m) for i, line in enumerate(after_reasoning) if (m := code_line.match(line))]
    titles = [after_reasoning[0]] + [m["rest"] for _, m in matches[:-1]]
    return [(title, m["code"]) for title, (_, m) in zip(titles, matches, strict=True)]


@pytest.fixture(scope="module")
def seeds(terms: ReferenceTerms) -> list[PageImport]:
    return [import_page(path, terms=terms) for path in seed_pages()]


@pytest.mark.parametrize("index", [0, 1])
def test_every_item_of_the_seed_is_in_its_graph_with_its_code(
    seeds: list[PageImport], reference: Graph, index: int
) -> None:
    page = seeds[index]
    expected = listed_in_seed(page.path, reference)
    assert len(expected) >= 6, "the seed lists several items"
    found = select(
        page.graph,
        f"""SELECT ?label ?section ?code WHERE {{
            ?item mg:citedIn ?source ; rdfs:label ?label ; mg:inCategory/skos:notation ?code .
            <{page.record}> mg:citedIn ?source .
            OPTIONAL {{ ?item mg:sectionNumber ?section }} }}""",
    )
    as_shown = sorted((f"{section} {label}" if section else label, code) for label, section, code in found)
    wanted = sorted((title.rsplit(" > ", 1)[-1], code) for title, code in expected)
    assert as_shown == wanted


def test_the_seed_records_are_classified_from_their_category_descriptions(seeds: list[PageImport]) -> None:
    codes = [
        select(page.graph, f"SELECT ?c WHERE {{ <{page.record}> mg:inCategory/skos:notation ?c }}")
        for page in seeds
    ]
    assert codes == [[("1.1",)], [("1.1.2",)]]


def test_the_seed_sources_have_their_authors_in_order_and_year(seeds: list[PageImport]) -> None:
    for page in seeds:
        text = page.path.read_text(encoding="utf-8")
        authors_line = next(line for line in text.splitlines() if re.search(r"\(\d{4}\)$", line.strip()))
        written, year = re.match(r"^(.*) \((\d{4})\)$", authors_line.strip()).groups()  # type: ignore[union-attr]
        rows = select(
            page.graph,
            f"""SELECT ?family ?name ?year WHERE {{
                <{page.record}> mg:citedIn ?source . ?source dcterms:issued ?year ;
                    bibo:authorList/rdf:rest*/rdf:first ?agent .
                ?agent foaf:name ?name . OPTIONAL {{ ?agent foaf:familyName ?family }} }}""",
        )
        shown = [
            f"{family}, {name.removesuffix(' ' + family)}" if family else name for family, name, _ in rows
        ]
        assert shown == [author.strip() for author in written.split(";")]
        assert {row[2] for row in rows} == {year}


def test_the_seeds_import_without_warnings(seeds: list[PageImport]) -> None:
    assert [str(warning) for page in seeds for warning in page.warnings] == []
