"""The nodes many pages share: categories, facet values, NIST concepts, and the learnt taxonomy itself.

A page graph carries the bare category nodes it uses (type, code, scheme, parent chain), so that it
validates alone with the reference data; the names, descriptions and evidence the batch learnt go once into
the learnt taxonomy graph (`data/taxonomy-learnt.ttl`), so that no two page files can disagree about them.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from mitigraph.importer.errors import WarningKind, WarningLog
from mitigraph.importer.records import FacetChoice
from mitigraph.importer.reference import ReferenceTerms, normalised
from mitigraph.importer.taxonomy_facts import Fact, LearntCategory, LearntTaxonomy
from mitigraph.iris import (
    ACTOR,
    LIFECYCLE_STAGE,
    NIST_ACTOR_TASKS,
    NIST_GENAI_RISKS,
    RISK_MANAGEMENT_FUNCTION,
)
from mitigraph.namespaces import MG, bind_prefixes

REFERENCE_CATEGORY_PREDICATES = (RDF.type, SKOS.notation, SKOS.prefLabel, SKOS.inScheme, SKOS.topConceptOf)
FACET_PREDICATES = (RDF.type, SKOS.prefLabel, SKOS.inScheme, SKOS.topConceptOf)
FACET_CLASSES = {
    LIFECYCLE_STAGE: MG.LifecycleStage,
    ACTOR: MG.Actor,
    RISK_MANAGEMENT_FUNCTION: MG.RiskManagementFunction,
}
NIST_SCHEMES = {
    NIST_GENAI_RISKS: (
        "NIST AI 600-1 generative AI risks",
        "https://doi.org/10.6028/NIST.AI.600-1",
    ),
    NIST_ACTOR_TASKS: (
        "NIST AI RMF AI actor tasks",
        "https://doi.org/10.6028/NIST.AI.100-1",
    ),
}
FACT_PROPERTIES = {
    "code": SKOS.notation,
    "name": SKOS.prefLabel,
    "definition": SKOS.definition,
    "parent": MG.subcategoryOf,
}


def add_category_chain(graph: Graph, iri: URIRef, *, taxonomy: LearntTaxonomy, terms: ReferenceTerms) -> None:
    """The bare nodes of a category and its ancestors, as a page graph needs them to validate alone."""
    scheme = terms.minter.taxonomy()
    for category in taxonomy.chain(iri):
        if category.known is not None:
            for predicate in REFERENCE_CATEGORY_PREDICATES:
                for value in terms.graph.objects(category.iri, predicate):
                    graph.add((category.iri, predicate, value))
        else:
            graph.add((category.iri, RDF.type, MG.Category))
            graph.add((category.iri, RDF.type, SKOS.Concept))
            graph.add((category.iri, SKOS.inScheme, scheme))
            if category.code is not None:
                graph.add((category.iri, SKOS.notation, Literal(category.code)))
            else:
                graph.add((category.iri, MG.provisional, Literal(True)))
        if category.parent is not None:
            graph.add((category.iri, MG.subcategoryOf, category.parent))
            graph.add((category.iri, SKOS.broader, category.parent))
        elif category.known is None:
            graph.add((category.iri, SKOS.topConceptOf, scheme))


def learnt_taxonomy_graph(
    taxonomy: LearntTaxonomy, *, terms: ReferenceTerms, page_iri: dict[str, URIRef]
) -> Graph:
    """Every fact the batch learnt about categories, each with its evidence (pages, lines, provisional)."""
    minter = terms.minter
    graph = bind_prefixes(Graph(), base=minter.base)
    for category in sorted(taxonomy.categories.values(), key=lambda c: str(c.iri)):
        facts = _facts(category)
        if not facts:
            continue
        add_category_chain(graph, category.iri, taxonomy=taxonomy, terms=terms)
        if category.known is None:
            graph.add((category.iri, MG.provisional, Literal(category.provisional)))
            if category.parent is None:
                graph.add((minter.taxonomy(), SKOS.hasTopConcept, category.iri))
        for what, fact in facts:
            if what in ("name", "definition"):
                graph.add((category.iri, FACT_PROPERTIES[what], Literal(fact.value)))
            node = minter.taxonomy_evidence(category.iri, what)
            graph.add((category.iri, MG.evidence, node))
            graph.add((node, RDF.type, MG.TaxonomyEvidence))
            graph.add((node, MG.learntProperty, FACT_PROPERTIES[what]))
            graph.add((node, MG.provisional, Literal(fact.provisional)))
            graph.add((node, RDFS.comment, Literal(_note(fact))))
            for page_id in sorted({e.page_id for e in fact.evidence}):
                graph.add((node, PROV.wasDerivedFrom, page_iri[page_id]))
    return graph


def _facts(category: LearntCategory) -> list[tuple[str, Fact]]:
    facts = [("code", category.code_fact), ("name", category.name), ("definition", category.definition)]
    facts.append(("parent", category.parent_fact))
    return [(what, fact) for what, fact in facts if fact is not None and fact.evidence]


def _note(fact: Fact) -> str:
    """Where a fact was learnt, as a reader checks it: `A0048 line 3: <what the line shows>; ...`."""
    seen = "; ".join(
        f"{e.page_id} line {e.line}: {e.shows}"
        for e in sorted(fact.evidence, key=lambda e: (e.page_id, e.line))
    )
    status = "provisional" if fact.provisional else "confirmed"
    return f"Learnt from {seen}. {status.capitalize()}: shown by {len(fact.shown_by)} page(s)."


def add_facet_value(graph: Graph, choice: FacetChoice, *, terms: ReferenceTerms, log: WarningLog) -> URIRef:
    """The IRI of the facet value the page names, its node added to `graph` (created when new)."""
    known = terms.facet_value(choice.facet, choice.name)
    if known is None:
        return _new_facet_value(graph, choice, terms=terms, log=log)
    for predicate in FACET_PREDICATES:
        for value in terms.graph.objects(known.iri, predicate):
            graph.add((known.iri, predicate, value))
    shown = choice.definition
    if known.definition is None or shown is None or normalised(known.definition) == normalised(shown):
        definition = known.definition or shown
        if definition:
            graph.add((known.iri, SKOS.definition, Literal(definition)))
    else:
        log.warn(
            WarningKind.FACET_VALUE,
            choice.line,
            f"the page defines {choice.facet} {known.name!r} as {shown!r}, the reference as "
            f"{known.definition!r}; the reference's definition is kept",
        )
    return known.iri


def _new_facet_value(graph: Graph, choice: FacetChoice, *, terms: ReferenceTerms, log: WarningLog) -> URIRef:
    minter = terms.minter
    iri = minter.facet_value(choice.facet, choice.name)
    scheme = minter.facet_scheme(choice.facet)
    log.warn(
        WarningKind.FACET_VALUE,
        choice.line,
        f"new {choice.facet} value {choice.name!r}: created with the definition the page shows",
    )
    graph.add((iri, RDF.type, FACET_CLASSES[choice.facet]))
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.prefLabel, Literal(choice.name)))
    if choice.definition:
        graph.add((iri, SKOS.definition, Literal(choice.definition)))
    graph.add((iri, SKOS.inScheme, scheme))
    graph.add((iri, SKOS.topConceptOf, scheme))
    return iri


def add_nist_concept(graph: Graph, scheme_name: str, name: str, *, terms: ReferenceTerms) -> URIRef:
    """A NIST risk or actor task as a SKOS concept labelled as the page writes it, in its scheme."""
    minter = terms.minter
    iri = minter.nist_genai_risk(name) if scheme_name == NIST_GENAI_RISKS else minter.nist_actor_task(name)
    scheme = minter.nist_scheme(scheme_name)
    label, document = NIST_SCHEMES[scheme_name]
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal(label)))
    graph.add((scheme, DCTERMS.source, URIRef(document)))
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.prefLabel, Literal(name)))
    graph.add((iri, SKOS.inScheme, scheme))
    graph.add((iri, SKOS.topConceptOf, scheme))
    return iri
