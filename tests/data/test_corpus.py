"""The whole corpus imports, and data/ is what importing it gives; for every page, its record exists once,
sits in the category whose description the page shows, and holds only words from its pages.

Expectations come from the page files read with the line rules of `corpus_pages`, not from the importer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_pages import (
    category_description,
    corpus_pages,
    cut_off_line,
    lines_of,
    nist_tags,
    spaced,
    stops_early,
    words,
)
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from mitigraph.assets import data_dir
from mitigraph.importer.importing import ImportResult
from mitigraph.iris import Minter
from mitigraph.loader import load_files
from mitigraph.namespaces import MG

MINT = Minter()
PAGES = corpus_pages()
TRUNCATED = [page for page in PAGES if stops_early(page)]
TAGGED = [page for page in PAGES if any(nist_tags(page))]
EVIDENCE_LINE = re.compile(r"(?P<page>[A-Za-z0-9_.-]+) line (?P<line>\d+): (?P<shows>[^;]+)")
OWN_TEXT = (DCTERMS.description, MG.reasoning, MG.pageHeading)
"""What a record takes from its own page only, each paragraph a line of that page."""


def page_id(page: Path) -> str:
    return page.stem


def page_node(page: Path) -> URIRef:
    return MINT.navigator_page(page.stem) if re.fullmatch(r"A\d+", page.stem) else MINT.page(page.stem)


def record(page: Path) -> URIRef:
    return MINT.page_record(page.stem)


def texts_of(graph: Graph, node: URIRef) -> set[str]:
    return {str(value) for _, value in graph.predicate_objects(node) if isinstance(value, Literal)}


def test_every_page_of_the_corpus_imports(imported_corpus: ImportResult) -> None:
    assert [str(failure) for failure in imported_corpus.failures] == []
    assert sorted(page.page_id for page in imported_corpus.pages) == sorted(page.stem for page in PAGES)


def test_the_page_data_is_what_importing_the_corpus_gives(imported_corpus: ImportResult) -> None:
    stored = sorted(path.stem for path in (data_dir() / "pages").glob("*.ttl"))
    assert stored == sorted(page.page_id for page in imported_corpus.pages), "re-run the --merge import"
    for page in imported_corpus.pages:
        on_disk = load_files([data_dir() / "pages" / f"{page.page_id}.ttl"]).graph
        assert isomorphic(page.graph, on_disk), f"data/pages/{page.page_id}.ttl differs: re-run the import"
    learnt = load_files([data_dir() / "taxonomy-learnt.ttl"]).graph
    assert isomorphic(imported_corpus.taxonomy, learnt), "data/taxonomy-learnt.ttl differs: re-run the import"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_record_of_each_page_exists_once(graph: Graph, page: Path) -> None:
    assert (record(page), RDF.type, MG.Mitigation) in graph
    assert (record(page), PROV.wasDerivedFrom, page_node(page)) in graph
    if re.fullmatch(r"A\d+", page.stem):
        assert list(graph.subjects(MG.navigatorId, Literal(page.stem))) == [record(page)]


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_record_sits_in_the_category_its_page_describes(graph: Graph, page: Path) -> None:
    categories = list(graph.objects(record(page), MG.inCategory))
    assert len(categories) == 1
    definitions = {spaced(str(text)) for text in graph.objects(categories[0], SKOS.definition)}
    assert definitions == {spaced(category_description(page))}


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_the_record_holds_only_words_from_its_pages(graph: Graph, page: Path) -> None:
    by_node: dict[Node, Path] = {page_node(p): p for p in PAGES}
    derived_from = [
        by_node[node] for node in graph.objects(record(page), PROV.wasDerivedFrom) if node in by_node
    ]
    assert page in derived_from
    shown = set().union(*(words(p.read_text(encoding="utf-8")) | {p.stem.casefold()} for p in derived_from))
    derived_label = (record(page), MG.labelIsDerived, Literal(True)) in graph
    for predicate, value in graph.predicate_objects(record(page)):
        if (
            isinstance(value, Literal)
            and value.datatype is None
            and not (derived_label and predicate == RDFS.label)
        ):
            assert words(str(value)) <= shown, f"{predicate}: {words(str(value)) - shown}"
    own_lines = set(lines_of(page))
    for predicate in OWN_TEXT:
        for value in graph.objects(record(page), predicate):
            for paragraph in str(value).split("\n\n"):
                assert paragraph in own_lines or any(line.endswith(paragraph) for line in own_lines), (
                    predicate
                )


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_a_page_that_stops_early_and_its_record_say_so(graph: Graph, page: Path) -> None:
    expected = {Literal(True)} if stops_early(page) else set()
    assert set(graph.objects(record(page), MG.pageIncomplete)) == expected
    assert set(graph.objects(page_node(page), MG.pageIncomplete)) == expected


@pytest.mark.parametrize("page", TRUNCATED, ids=page_id)
def test_the_cut_off_line_is_never_data(imported_corpus: ImportResult, page: Path) -> None:
    graph = next(imported.graph for imported in imported_corpus.pages if imported.page_id == page.stem)
    cut = cut_off_line(page)
    kept = {
        paragraph
        for value in graph.objects()
        if isinstance(value, Literal)
        for paragraph in str(value).split("\n\n")
    }
    assert cut not in kept or any(cut in line for line in lines_of(page)[:-1]), "kept from the cut-off line"


@pytest.mark.parametrize("page", TAGGED, ids=page_id)
def test_nist_tags_link_the_record_to_labelled_concepts(graph: Graph, page: Path) -> None:
    risks, tasks = nist_tags(page)
    for predicate, names in ((MG.nistGenAIRisk, risks), (MG.nistActorTask, tasks)):
        concepts = list(graph.objects(record(page), predicate))
        assert {str(graph.value(concept, SKOS.prefLabel)) for concept in concepts} == names
        assert all((concept, RDF.type, SKOS.Concept) in graph for concept in concepts)


def test_every_record_cites_a_source_some_page_shows_or_says_none_is_shown(graph: Graph) -> None:
    corpus_text = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    for mitigation in set(graph.subjects(RDF.type, MG.Mitigation)):
        sources = list(graph.objects(mitigation, MG.citedIn))
        not_shown = (mitigation, MG.sourceNotShown, Literal(True)) in graph
        assert (len(sources) == 1) != not_shown, mitigation
        for source in sources:
            assert str(graph.value(source, DCTERMS.title)) in corpus_text


def test_every_learnt_fact_names_lines_that_show_it(graph: Graph) -> None:
    texts = {
        page.stem: [line.strip() for line in page.read_text(encoding="utf-8").splitlines()] for page in PAGES
    }
    facts = list(graph.subject_objects(MG.evidence))
    assert facts, "the corpus teaches the taxonomy something"
    for category, evidence in facts:
        fact = graph.value(evidence, MG.learntProperty)
        code = str(graph.value(category, SKOS.notation) or "")
        value = spaced(str(graph.value(category, fact))) if fact != MG.subcategoryOf else ""
        cited = list(EVIDENCE_LINE.finditer(str(graph.value(evidence, RDFS.comment))))
        derived_from = {str(node).rsplit("/", 1)[-1] for node in graph.objects(evidence, PROV.wasDerivedFrom)}
        assert cited and {match["page"] for match in cited} == derived_from, evidence
        for match in cited:
            line = texts[match["page"]][int(match["line"]) - 1]
            assert _shows(line, fact, value, code), (
                f"{evidence}: {match['page']} line {match['line']}: {line!r}"
            )


def _shows(line: str, fact: object, value: str, code: str) -> bool:
    """Whether a page line shows a category fact: its code line, its name, its description, its parent."""
    listed = bool(code) and line.startswith(code)
    if fact == SKOS.notation:
        return listed
    if fact == SKOS.prefLabel:
        return value in line
    if fact == SKOS.definition:
        return spaced(line) == value or listed
    return line.startswith("Also in ")
