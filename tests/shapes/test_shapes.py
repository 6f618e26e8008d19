"""Each shape against its fixture pair: the conforming file passes, the violating file fails naming each node.

Fixtures are validated the way `mitigraph validate FILE` validates a file: with the ontology, the taxonomy
and the facet values it refers to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from mitigraph.loader import LoadedGraph, load_with_reference
from mitigraph.validation import ValidationReport, validate_graph

FIXTURES = Path(__file__).parent / "fixtures"
EX = "https://example.org/fixture/"
SHAPE_NAMES = (
    "mitigation",
    "category",
    "source",
    "facet-use",
    "facet-value",
    "limitation",
    "addresses-limitation",
    "curated-statement",
)

EXPECTED_VIOLATIONS: dict[str, list[tuple[str, str]]] = {
    "mitigation": [
        ("no-category", "has no category"),
        ("two-categories", "more than one category"),
        ("unknown-category", "is not an mg:Category"),
        ("no-label", "has no label"),
        ("no-source", "cites no source document"),
        ("cited-and-not-shown", "it must say exactly one"),
        ("not-shown-false", "only ever stated as true"),
        ("incomplete-as-text", "one xsd:boolean"),
        ("page-incomplete-as-text", "one xsd:boolean"),
        ("risk-not-a-concept", "is a skos:Concept"),
        ("just-a-name", "its name as the page writes it"),
        ("loose-task", "belongs to its list"),
        ("no-provenance", "has no provenance"),
        ("cycle-a", "cycle of mg:partOf"),
        ("cycle-b", "cycle of mg:partOf"),
    ],
    "category": [
        ("bad-code", "not dotted numbers"),
        ("wrong-parent", "minus its last segment"),
        ("no-parent", "has no parent"),
        ("no-code", "has no code"),
        ("codeless-confirmed", "has no code"),
        ("two-descriptions", "more than one description"),
        ("provisional-as-text", "one xsd:boolean"),
        ("evidence-without-pages", "names the navigator pages"),
        ("cycle-a", "cycle of mg:subcategoryOf"),
        ("cycle-b", "cycle of mg:subcategoryOf"),
    ],
    "source": [
        ("no-title", "has no title"),
        ("no-year", "has no year"),
        ("year-as-string", "xsd:gYear"),
        ("doubt-as-number", "plain string"),
    ],
    "facet-use": [("stage-is-an-actor", "is not an mg:LifecycleStage")],
    "facet-value": [
        ("nameless-actor", "exactly one name"),
        ("schemeless-function", "facet's scheme"),
    ],
    "limitation": [
        ("orphan", "belongs to no mitigation"),
        ("no-description", "has a description"),
        ("no-label", "exactly one label"),
        ("family-not-a-limitation", "another mg:Limitation"),
    ],
    "addresses-limitation": [
        ("unjustified", "has no justification"),
        ("addresses-a-record", "is not an mg:Limitation"),
    ],
    "curated-statement": [
        ("not-asserted", "does not state"),
        ("no-justification", "justification"),
        ("no-curator", "who curated it"),
    ],
}

EXPECTED_WARNINGS: dict[str, list[tuple[str, str]]] = {
    "mitigation": [
        ("parent", "Placeholder record"),
        ("derived-label", "written from the record's text"),
    ],
    "category": [("c8-1-2", "has no name")],
    "source": [
        ("untitled", "has no title"),
        ("untitled", "has no year"),
    ],
    "limitation": [("jailbreaks", "No mitigation addresses")],
}


def validate_fixture(name: str, *, shapes: Graph) -> ValidationReport:
    loaded = load_with_reference([FIXTURES / f"{name}.ttl"])
    return validate_graph(loaded.graph, shapes=shapes, origins=loaded)


def fixture_nodes(report: ValidationReport, *, severity: str) -> list[tuple[str, str]]:
    return [
        (str(result.focus_node), result.message)
        for result in report.results
        if result.severity == severity and str(result.focus_node).startswith(EX)
    ]


def test_every_shape_has_a_fixture_pair() -> None:
    names = {path.stem.rsplit("-", 1)[0] for path in FIXTURES.glob("*.ttl")}
    assert names == set(SHAPE_NAMES)
    for name in SHAPE_NAMES:
        assert (FIXTURES / f"{name}-conforming.ttl").is_file()
        assert (FIXTURES / f"{name}-violating.ttl").is_file()


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_conforming_fixture_passes(name: str, shapes: Graph) -> None:
    report = validate_fixture(f"{name}-conforming", shapes=shapes)
    assert [(str(r.focus_node), r.message) for r in report.violations] == []
    assert report.conforms


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_violating_fixture_fails_naming_each_node(name: str, shapes: Graph) -> None:
    report = validate_fixture(f"{name}-violating", shapes=shapes)
    assert not report.conforms
    found = fixture_nodes(report, severity="Violation")
    for node, message_part in EXPECTED_VIOLATIONS[name]:
        matches = [message for focus, message in found if focus == EX + node and message_part in message]
        assert matches, f"no violation on ex:{node} saying {message_part!r}; got {found}"
    unexpected = {focus for focus, _ in found} - {EX + node for node, _ in EXPECTED_VIOLATIONS[name]}
    assert unexpected == set()


@pytest.mark.parametrize("name", sorted(EXPECTED_WARNINGS))
def test_what_deserves_a_look_is_a_warning_not_a_violation(name: str, shapes: Graph) -> None:
    report = validate_fixture(f"{name}-conforming", shapes=shapes)
    found = fixture_nodes(report, severity="Warning")
    for node, message_part in EXPECTED_WARNINGS[name]:
        assert any(focus == EX + node and message_part in message for focus, message in found), (
            f"no warning on ex:{node} saying {message_part!r}; got {found}"
        )


def test_results_name_the_file_the_node_came_from(shapes: Graph) -> None:
    report = validate_fixture("source-violating", shapes=shapes)
    (result,) = [r for r in report.violations if r.focus_node == URIRef(EX + "no-year")]
    assert [path.name for path in result.files] == ["source-violating.ttl"]
    assert result.path is None or result.path == "dcterms:issued"


def test_results_carry_the_property_path_with_our_prefixes(shapes: Graph) -> None:
    report = validate_fixture("limitation-violating", shapes=shapes)
    paths = {(str(r.focus_node), r.path) for r in report.violations}
    assert (EX + "orphan", "^mg:hasLimitation") in paths
    assert (EX + "no-label", "rdfs:label") in paths


def test_the_project_graph_conforms(project: LoadedGraph, shapes: Graph) -> None:
    report = validate_graph(project.graph, shapes=shapes, origins=project)
    assert [(str(r.focus_node), r.message) for r in report.violations] == []
