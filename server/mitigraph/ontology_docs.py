"""The ontology's human documentation (served at /ontology), generated from the ontology itself by pyLODE.

pyLODE documents the classes and properties, including their alignments (a mitigation's superclasses
airo:RiskControl and dpv:RiskMitigationMeasure appear with their labels, from `ontology/imports/`).
It does not show mappings between concepts, so a "Mappings" section is added: every alignment and
mapping with its strength, both terms' labels and its rationale. Rendering takes about a second, so the
server builds the page once at start and keeps the string.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dominate.tags import a, code, h2, p, section, table, tbody, td, th, thead, tr
from pylode.profiles.ontpub import OntPub
from rdflib import RDFS, Graph, URIRef

from mitigraph.alignments import Mapping, mappings
from mitigraph.loader import load_files, ontology_files, reference_data_files
from mitigraph.namespaces import DEFAULT_BASE, converter

MAPPINGS_SECTION_ID = "mappings"


def _short(iri: URIRef, *, base: str = DEFAULT_BASE) -> str:
    """A prefixed name for display (`skos:closeMatch`, `mgid:actor/developer`), else the IRI as it is."""
    return converter(base).compress(str(iri), passthrough=True)


def _term_cell(iri: URIRef, label: str | None, *, base: str) -> td:
    cell = td(a(label or _short(iri, base=base), href=str(iri)))
    cell.add(" ", code(_short(iri, base=base)))
    return cell


def mappings_section(found: Sequence[Mapping], *, base: str = DEFAULT_BASE) -> section:
    """The table of alignments and mappings, each with both labels, its strength and its rationale."""
    block = section(id=MAPPINGS_SECTION_ID)
    block.add(h2("Mappings"))
    block.add(
        p(
            "How our classes, properties, facet values and categories relate to AIRO, VAIR, DPV, the NIST "
            "AI RMF, DCMI Terms and SKOS. Each row is one stated triple; the rationale is published with it "
            "(and in the SSSOM export)."
        )
    )
    rows = tbody()
    for mapping in found:
        row = tr(
            _term_cell(mapping.subject, mapping.subject_label, base=base),
            td(code(_short(mapping.predicate, base=base))),
        )
        row.add(_term_cell(mapping.object, mapping.object_label, base=base), td(mapping.rationale))
        rows.add(row)
    block.add(table(thead(tr(th("Our term"), th("Relation"), th("External term"), th("Rationale"))), rows))
    return block


class _OntPubWithMappings(OntPub):
    """pyLODE's OntPub with the mappings section after the classes and properties."""

    def __init__(self, ontology: Graph, *, found: Sequence[Mapping], base: str) -> None:
        super().__init__(ontology=ontology)
        self._found = found
        self._base = base

    def _make_main_sections(self) -> None:
        super()._make_main_sections()
        self.content.add(mappings_section(self._found, base=self._base))


def render_documentation(ontology: Graph, *, labels: Graph | None = None, base: str = DEFAULT_BASE) -> str:
    """HTML documentation of `ontology`; `labels` (taxonomy, facet values) names the mapped concepts."""
    described = Graph() + ontology + (labels or Graph())
    document = Graph() + ontology  # pyLODE adds its own inferences to the graph it is given
    html = str(_OntPubWithMappings(document, found=mappings(described), base=base).make_html())
    return _label_bare_links(html, described)


def _label_bare_links(html: str, described: Graph) -> str:
    """Give links that pyLODE writes with their IRI as text (licence, version IRI) the IRI's rdfs:label."""
    for iri, label in described.subject_objects(RDFS.label):
        if isinstance(iri, URIRef):
            bare = f'<a href="{escape(str(iri))}">{escape(str(iri))}</a>'
            html = html.replace(bare, f'<a href="{escape(str(iri))}">{escape(str(label))}</a>')
    return html


def ontology_documentation(*, base: str = DEFAULT_BASE) -> str:
    """The documentation of the project's ontology, alignments and mappings (call once, keep the result)."""
    ontology = load_files(ontology_files(), base=base).graph
    labels = load_files(reference_data_files(), base=base).graph
    return render_documentation(ontology, labels=labels, base=base)
