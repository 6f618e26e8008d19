"""The page of one mitigation: its text (as paragraphs and lists), where it sits in the taxonomy and in its
source, its facets, its links, and where it comes from (its navigator page)."""

from __future__ import annotations

from flask import render_template
from rdflib.namespace import DCTERMS, PROV

from mitigraph.namespaces import MG
from mitigraph.site.labels import is_true
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import (
    Link,
    Statements,
    justifications_from,
    label_rows,
    subjects_linking,
    unique,
)
from mitigraph.web.text_rendering import text_blocks
from mitigraph.web.views.kinds import breadcrumb
from mitigraph.web.views.whereabouts import whereabouts

FACETS = (
    ("Lifecycle stage", str(MG.lifecycleStage)),
    ("Actor", str(MG.actor)),
    ("Risk-management function", str(MG.riskManagementFunction)),
)
NIST_TAGS = (
    ("NIST GenAI risk", str(MG.nistGenAIRisk)),
    ("NIST AI actor task", str(MG.nistActorTask)),
)
"""What NIST pages name in brackets after the text: a NIST AI 600-1 GenAI risk and a NIST AI actor task."""


def render(site: Site, iri: str, statements: Statements) -> str:
    reader = site.reader
    justifications = justifications_from(reader, iri)
    related = {
        "categories": statements.iris(str(MG.inCategory)),
        "sources": unique(statements.iris(str(MG.citedIn)) + subjects_linking(reader, iri, str(MG.cites))),
        "wholes": statements.iris(str(MG.partOf)),
        "parts": unique(statements.iris(str(MG.hasPart)) + subjects_linking(reader, iri, str(MG.partOf))),
        "limitations": unique(
            statements.iris(str(MG.hasLimitation)) + subjects_linking(reader, iri, str(MG.limits))
        ),
        "addresses": unique(statements.iris(str(MG.addressesLimitation)) + list(justifications)),
        "derived_from": statements.iris(str(PROV.wasDerivedFrom)),
        "generated_by": statements.iris(str(PROV.wasGeneratedBy)),
    }
    facet_iris = {name: statements.iris(predicate) for name, predicate in (*FACETS, *NIST_TAGS)}
    links = site.linker.links([i for group in (*related.values(), *facet_iris.values()) for i in group])

    def linked(group: list[str]) -> list[Link]:
        return sorted((links[i] for i in group), key=lambda link: link.label.casefold())

    place = whereabouts(site, [iri])[iri]
    years = {row[0]: row[2].value for row in label_rows(reader, related["sources"], [str(DCTERMS.issued)])}
    return render_template(
        "mitigation.html",
        iri=iri,
        title=statements.label(iri),
        label_is_derived=is_true(statements.values(str(MG.labelIsDerived))),
        incomplete=is_true(statements.values(str(MG.pageIncomplete))),
        source_not_shown=is_true(statements.values(str(MG.sourceNotShown))),
        text=text_blocks(statements.text(str(DCTERMS.description))),
        reasoning=text_blocks(statements.text(str(MG.reasoning))),
        page_heading=statements.text(str(MG.pageHeading)),
        section_number=statements.text(str(MG.sectionNumber)),
        navigator=place.navigator,
        generated_at=statements.text(str(PROV.generatedAtTime)),
        breadcrumbs=[breadcrumb(site, category) for category in related["categories"]],
        sources=[(links[s], years.get(s, "")) for s in related["sources"]],
        facets=[(name, linked(facet_iris[name])) for name, _ in FACETS],
        nist_tags=[(name, linked(facet_iris[name])) for name, _ in NIST_TAGS if facet_iris[name]],
        wholes=linked(related["wholes"]),
        parts=linked(related["parts"]),
        limitations=linked(related["limitations"]),
        addresses=[(link, justifications.get(link.iri, "")) for link in linked(related["addresses"])],
        near_duplicates=place.also_listed_as,
        derived_from=linked(related["derived_from"]),
        generated_by=linked(related["generated_by"]),
    )
