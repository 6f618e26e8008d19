"""Each variation real navigator pages show, as a page fixture, checked through what a user would query."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from importer_helpers import select
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from tests.support.paths import PAGE_FIXTURES

from mitigraph.importer.importing import ImportResult, PageImport, import_page, import_pages
from mitigraph.importer.taxonomy import ReferenceTerms
from mitigraph.importer.text import PageFormatError
from mitigraph.iris import Minter
from mitigraph.loader import load_files, load_shapes, ontology_files
from mitigraph.namespaces import MG
from mitigraph.validation import validate_graph

Importer = Callable[..., PageImport]
Batch = Callable[..., ImportResult]
MINT = Minter()
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
ITEMS = """
    SELECT ?label ?code ?description ?section WHERE {
        ?item a mg:Mitigation ; rdfs:label ?label ; mg:inCategory/skos:notation ?code .
        FILTER (?item != ?record)
        OPTIONAL { ?item dcterms:description ?description }
        OPTIONAL { ?item mg:sectionNumber ?section }
    } ORDER BY ?label"""


def items(page: PageImport) -> list[tuple[str | None, ...]]:
    """(label, code, description, section number) of every item the page lists, by label."""
    query = ITEMS.replace("?record", f"<{page.record}>")
    return select(page.graph, query)


def record_value(page: PageImport, path: str) -> list[str | None]:
    return [row[0] for row in select(page.graph, f"SELECT ?v WHERE {{ <{page.record}> {path} ?v }}")]


def warnings_at(page: PageImport, line: int) -> list[str]:
    return [warning.message for warning in page.warnings if warning.line == line]


def test_a_page_without_also_in_line_keeps_its_top_level_category(imported: Importer) -> None:
    page = imported("no_also_in")
    assert record_value(page, "mg:inCategory/skos:notation") == ["2"]
    assert record_value(page, "mg:inCategory/skos:prefLabel") == ["Organisation"]
    assert page.warnings == ()


def test_a_page_without_record_text_gets_a_label_derived_from_its_reasoning(imported: Importer) -> None:
    page = imported("no_record_text")
    assert record_value(page, "dcterms:description") == []
    assert record_value(page, "mg:reasoning") == [
        "Output classifiers filter harmful completions before they reach users."
    ]
    label = page.derived_labels.value(page.record, RDFS.label)
    assert str(label).startswith("Output classifiers filter harmful completions")
    assert page.derived_labels.value(page.record, MG.labelIsDerived) == Literal(True)
    assert (page.record, RDFS.label, None) not in page.graph, "derived labels stay out of the page graph"
    assert any("no record text" in message for message in warnings_at(page, 5))


def test_a_heading_line_is_recorded_and_not_read_as_an_item(imported: Importer) -> None:
    page = imported("heading_line")
    assert record_value(page, "mg:pageHeading") == ["Evaluation Programme"]
    assert items(page)[:1] == [
        (
            "Dangerous capability evaluations",
            "2.2.2",
            "Structured tests measure capabilities that could cause severe harm.",
            None,
        )
    ]
    assert (
        "Red-team before release",
        "2.2.2",
        "External experts probe the model for a fixed period before launch.",
        None,
    ) in items(page)
    parents = select(
        page.graph,
        """SELECT ?label ?placeholder WHERE {
            ?child rdfs:label "Dangerous capability evaluations" ; mg:partOf ?parent .
            ?parent rdfs:label ?label ; mg:placeholder ?placeholder .
            FILTER NOT EXISTS { ?parent mg:inCategory ?category } }""",
    )
    assert parents == [("Evaluation Programme", "true")]


def test_items_with_and_without_descriptions_keep_their_own(imported: Importer) -> None:
    page = imported("items_without_description")
    assert items(page) == [
        (
            "Detect anomalous usage patterns",
            "1.2.3",
            "Usage statistics are compared against a baseline to flag unusual activity.",
            None,
        ),
        ("Keep audit trails for operators", "1.2.2", None, None),
        ("Log every tool call", "1.2.3", None, None),
        (
            "Sandbox code execution",
            "1.2.2",
            "Generated code runs in an isolated container without network access.",
            None,
        ),
    ]


def test_codes_of_any_depth_are_read(batch: Batch) -> None:
    result = batch("code_depths")
    page = result.pages[0]
    codes = {label: code for label, code, _, _ in items(page)}
    assert codes == {
        "Whole-system safety reviews": "1",
        "Engineering norms for safety-critical code": "2.4",
        "Red-team the review process itself": "2.2.2",
        "Uncategorised practice": "99",
        "Another safety practice": "99.9",
    }
    assert result.taxonomy.value(MINT.category("99"), SKOS.prefLabel) == Literal("Unclassified")
    assert any("learnt category 99 Unclassified: name (provisional)" in m for m in warnings_at(page, 14))


def test_the_last_code_runs_into_the_source_title(imported: Importer) -> None:
    page = imported("no_also_in")
    source = MINT.source("Governing Model Releases")
    assert record_value(page, "mg:citedIn") == [str(source)]
    assert page.graph.value(source, MG.placeholder) is None
    assert page.graph.value(source, URIRef("http://purl.org/dc/terms/issued")) == Literal(
        "2024", datatype=GYEAR
    )
    authors = select(
        page.graph,
        f"SELECT ?name WHERE {{ <{source}> bibo:authorList/rdf:rest*/rdf:first/foaf:name ?name }}",
    )
    assert [name for (name,) in authors] == ["Alex Doe", "Sam Roe"]
    assert [label for label, *_ in items(page)] == [
        "Appoint a responsible safety officer",
        "Publish a release approval policy",
    ]


def test_the_last_code_runs_into_the_lifecycle_stage_when_there_is_no_source(imported: Importer) -> None:
    page = imported("no_source_block")
    assert select(page.graph, "SELECT ?source WHERE { ?m mg:citedIn ?source }") == []
    assert (None, RDF.type, MG.Source) not in page.graph, "no source is guessed"
    not_shown = select(page.graph, "SELECT ?m WHERE { ?m a mg:Mitigation ; mg:sourceNotShown true }")
    assert len(not_shown) == 1 + len(items(page))
    assert [(label, code) for label, code, *_ in items(page)] == [
        ("Licensing regime for frontier models", "3.1.1"),
        ("Mandatory incident reporting", "3.1.4"),
    ]
    assert record_value(page, "mg:lifecycleStage") == [
        str(MINT.facet_value("lifecycle-stage", "Other (outside lifecycle)"))
    ]
    assert record_value(page, "mg:actor/skos:prefLabel") == ["Governance Actor"]
    assert any("shows its source block" in warning.message for warning in page.warnings)


def test_texts_and_titles_that_start_with_numbers_are_not_codes(imported: Importer) -> None:
    page = imported("numbered_texts")
    text = record_value(page, "dcterms:description")[0]
    assert text is not None and text.startswith("4.1 Organisations should document")
    assert items(page) == [
        ("Awareness and education", "3.2.2", "Staff are trained on what the standard requires of them.", "1"),
        (
            "Shared evaluation formats",
            "3.2.1",
            "3 out of 4 labs surveyed already use a common results schema.",
            "2.3",
        ),
    ]
    assert (None, MG.provisional, None) not in page.graph
    assert page.warnings == ()


def test_an_unknown_category_is_learnt_provisional_with_its_parent_chain(batch: Batch) -> None:
    result = batch("unknown_category")
    page = result.pages[0]
    categories = select(
        result.taxonomy,
        """SELECT ?code ?name ?parent WHERE {
            ?c mg:provisional true ; skos:notation ?code .
            OPTIONAL { ?c skos:prefLabel ?name } OPTIONAL { ?c mg:subcategoryOf/skos:notation ?parent }
        } ORDER BY ?code""",
    )
    assert categories == [
        ("3.4", "Public Engagement", "3"),
        ("4", None, None),
        ("4.2", None, "4"),
        ("4.2.1", "Civic Review", "4.2"),
    ]
    assert [(label, code) for label, code, *_ in items(page)] == [
        ("Hold citizen panels on model releases", "4.2.1"),
        ("Remove hazardous knowledge", "3.4"),
    ]
    assert any(
        "learnt category 3.4 Public Engagement: code (provisional)" in m for m in warnings_at(page, 10)
    )
    assert any("learnt category 4.2.1 Civic Review: code (provisional)" in m for m in warnings_at(page, 12))


def test_an_unknown_category_name_running_into_the_lifecycle_stage(batch: Batch) -> None:
    result = batch("unknown_category_into_facets")
    page = result.pages[0]
    assert [(label, code) for label, code, *_ in items(page)] == [
        ("Hold citizen panels on model releases", "3.4")
    ]
    assert result.taxonomy.value(MINT.category("3.4"), SKOS.prefLabel) == Literal("Public Engagement")
    assert record_value(page, "mg:lifecycleStage/skos:prefLabel") == ["Build and Use Model"]


def test_typographic_quotes_and_non_ascii_author_names_are_kept(imported: Importer) -> None:
    page = imported("quotes_and_non_ascii")
    source = MINT.source("“Trust but verify”: Auditing Frontier AI")
    assert record_value(page, "mg:citedIn/dcterms:title") == ["“Trust but verify”: Auditing Frontier AI"]
    authors = select(
        page.graph,
        f"""SELECT ?name ?kind ?family WHERE {{
            <{source}> bibo:authorList/rdf:rest*/rdf:first ?agent .
            ?agent foaf:name ?name ; a ?kind . OPTIONAL {{ ?agent foaf:familyName ?family }} }}""",
    )
    foaf = "http://xmlns.com/foaf/0.1/"
    assert authors == [
        ("Jürgen Müller", foaf + "Person", "Müller"),
        ("Siobhán Ó Briain", foaf + "Person", "Ó Briain"),
        ("Ångström Institute", foaf + "Organization", None),
        ("Thị Minh Nguyễn", foaf + "Person", "Nguyễn"),
    ]
    assert items(page)[0][:2] == ("Commission ‘independent’ audits", "2.2.3")


def test_texts_of_several_paragraphs_keep_their_paragraphs(imported: Importer) -> None:
    page = imported("several_paragraphs")
    assert record_value(page, "dcterms:description") == [
        "A model is first released to a small group of trusted testers.\n\n"
        "Access then widens in steps, each gated on a review of incidents.\n\n"
        "The final step is general availability."
    ]
    assert (
        items(page)[0][2] == "Each stage has entry criteria agreed before launch.\n\n"
        "Rollback plans are rehearsed before each stage."
    )
    assert record_value(page, "mg:citedIn/dcterms:abstract") == [
        "A guide to releasing models in stages.\n\nIt covers criteria, reviews and rollback."
    ]


def test_extra_lines_after_the_last_facet_are_ignored_with_a_warning(imported: Importer) -> None:
    page = imported("extra_lines_after_facets")
    assert record_value(page, "mg:lifecycleStage/skos:prefLabel") == ["Build and Use Model"]
    assert record_value(page, "mg:actor/skos:prefLabel") == ["Developer"]
    assert record_value(page, "mg:riskManagementFunction/skos:prefLabel") == ["Manage"]
    assert any("2 line(s) after the last facet value ignored" in message for message in warnings_at(page, 18))


def test_a_navigator_id_file_name_names_the_navigator_page(imported: Importer) -> None:
    page = imported("A2244")
    navigator_page = "https://www.airi-navigator.com/mitigations-v2/A2244"
    assert page.record == MINT.page_record("A2244")
    assert record_value(page, "mg:navigatorId") == ["A2244"]
    assert record_value(page, "prov:wasDerivedFrom") == [navigator_page]
    assert select(
        page.graph, f"SELECT ?id WHERE {{ <{navigator_page}> a mg:NavigatorPage ; dcterms:identifier ?id }}"
    ) == [("A2244",)]


def test_a_url_overrides_the_page_address(imported: Importer) -> None:
    page = imported("A2244", url="https://example.org/saved/A2244")
    assert record_value(page, "prov:wasDerivedFrom") == ["https://example.org/saved/A2244"]
    assert select(page.graph, "SELECT DISTINCT ?page WHERE { ?m prov:wasDerivedFrom ?page }") == [
        ("https://example.org/saved/A2244",)
    ]


def test_other_file_names_get_a_page_node_under_the_base(imported: Importer) -> None:
    page = imported("no_also_in")
    own_page = str(MINT.page("no_also_in"))
    assert record_value(page, "prov:wasDerivedFrom") == [own_page]
    assert record_value(page, "mg:navigatorId") == []
    assert select(
        page.graph, f"SELECT ?label WHERE {{ <{own_page}> a mg:NavigatorPage ; rdfs:label ?label }}"
    ) == [("Navigator page no_also_in",)]


def test_items_listed_twice_stay_apart_linked_as_near_duplicates(imported: Importer) -> None:
    page = imported("duplicates_and_placeholder")
    pairs = select(
        page.graph,
        """SELECT ?a ?b ?sectionA ?sectionB WHERE {
            ?a mg:nearDuplicateOf ?b ; rdfs:label ?label . ?b rdfs:label ?label .
            OPTIONAL { ?a mg:sectionNumber ?sectionA } OPTIONAL { ?b mg:sectionNumber ?sectionB } }""",
    )
    assert len(pairs) == 4, "two pairs, each linked both ways"
    assert {(section_a, section_b) for _, _, section_a, section_b in pairs} >= {(None, "1.2"), ("1.2", None)}
    model_cards = [a for a, b, *_ in pairs if "model-cards" in a]
    assert sorted(model_cards) == [
        str(MINT.listed_item(MINT.source("Open Evaluation Commons"), ["Model cards"])),
        str(MINT.listed_item(MINT.source("Open Evaluation Commons"), ["Model cards"], 2)),
    ]


def test_a_parent_the_page_does_not_list_becomes_a_placeholder(imported: Importer) -> None:
    page = imported("duplicates_and_placeholder")
    parents = select(
        page.graph,
        """SELECT DISTINCT ?parent ?label WHERE {
            ?child mg:partOf ?parent . ?parent rdfs:label ?label ; mg:placeholder true .
            FILTER NOT EXISTS { ?parent mg:inCategory ?c } }""",
    )
    assert [label for _, label in parents] == ["Shared Benchmarks"]
    children = select(page.graph, f"SELECT ?child WHERE {{ ?child mg:partOf <{parents[0][0]}> }}")
    assert len(children) == 2
    assert any("'Shared Benchmarks' is not listed" in message for message in warnings_at(page, 8))


def test_facet_values_are_reused_by_name_and_new_ones_created(imported: Importer) -> None:
    page = imported("new_facet_values")
    decommission = MINT.facet_value("lifecycle-stage", "Decommission")
    assert record_value(page, "mg:lifecycleStage") == [str(decommission)]
    assert select(
        page.graph, f"SELECT ?d WHERE {{ <{decommission}> a mg:LifecycleStage ; skos:definition ?d }}"
    ) == [("Retiring the AI system and disposing of its components",)]
    assert record_value(page, "mg:actor") == [str(MINT.facet_value("actor", "Infrastructure Provider"))]
    assert record_value(page, "mg:riskManagementFunction") == [
        str(MINT.facet_value("risk-management-function", "Map"))
    ]
    assert [w.message for w in page.warnings] == [
        "new lifecycle-stage value 'Decommission': created with the definition the page shows"
    ]


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("not_a_page", 1, 'the banner line "This page is still being polished..."'),
        ("banners_only", 2, "the description of the record's category"),
    ],
)
def test_a_file_that_is_not_a_navigator_page_is_refused(
    terms: ReferenceTerms, name: str, line: int, expected: str
) -> None:
    path = PAGE_FIXTURES / f"{name}.txt"
    with pytest.raises(PageFormatError) as refused:
        import_page(path, terms=terms)
    assert refused.value.path == path
    assert refused.value.line == line
    assert expected in refused.value.expected
    assert str(path) in str(refused.value)


def test_every_fixture_page_validates_with_the_ontology_and_reference_data(
    terms: ReferenceTerms, reference: Graph
) -> None:
    refused = {"not_a_page", "banners_only", "source_without_year"}
    data = Graph()
    for path in sorted(PAGE_FIXTURES.glob("*.txt")):
        if path.stem not in refused:
            page = import_page(path, terms=terms)
            data += page.graph + page.derived_labels
    joined = import_pages(sorted((PAGE_FIXTURES / "joined").glob("*.txt")), terms=terms)
    data += joined.combined()
    report = validate_graph(
        data + reference, shapes=load_shapes(), ontology=load_files(ontology_files()).graph
    )
    assert report.violations == ()


def test_every_literal_from_a_page_is_a_plain_string_without_language(imported: Importer) -> None:
    page = imported("quotes_and_non_ascii")
    tagged = [
        literal for literal in page.graph.objects() if isinstance(literal, Literal) and literal.language
    ]
    assert tagged == []
