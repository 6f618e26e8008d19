"""The category and facet-value nodes a page graph uses, so that it validates alone with the reference data.

Known nodes are copied from the reference graph (type, code, name, scheme, parent chain); codes, names and
facet values the reference does not know are learnt from the page, created provisional where they are
categories, and reported as warnings.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from mitigraph.importer.errors import WarningLog
from mitigraph.importer.model import CategoryMention, FacetChoice
from mitigraph.importer.taxonomy_match import KnownCategory, ReferenceTerms, normalised, parent_code
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION
from mitigraph.namespaces import MG

CATEGORY_PREDICATES = (
    RDF.type,
    SKOS.notation,
    SKOS.prefLabel,
    SKOS.inScheme,
    SKOS.topConceptOf,
    MG.subcategoryOf,
    SKOS.broader,
    MG.provisional,
)
FACET_PREDICATES = (RDF.type, SKOS.prefLabel, SKOS.inScheme, SKOS.topConceptOf)
FACET_CLASSES = {
    LIFECYCLE_STAGE: MG.LifecycleStage,
    ACTOR: MG.Actor,
    RISK_MANAGEMENT_FUNCTION: MG.RiskManagementFunction,
}


class CategoryNodes:
    """Adds to `graph` each category a page uses, with its parent chain; learns what the reference lacks."""

    def __init__(self, graph: Graph, *, terms: ReferenceTerms, log: WarningLog) -> None:
        self._graph = graph
        self._terms = terms
        self._log = log
        self._done: set[str] = set()

    def known(self, category: KnownCategory, *, with_definition: bool = False) -> URIRef:
        self._add_chain(category.code, line=None)
        if with_definition and category.definition:
            self._graph.add((category.iri, SKOS.definition, Literal(category.definition)))
        return category.iri

    def mentioned(self, mention: CategoryMention) -> URIRef:
        known = self._terms.category(mention.code)
        if known is not None and not known.name and mention.name and mention.code not in self._done:
            self._log.warn(
                mention.line,
                f"learnt the name {mention.name!r} for category {mention.code}, unnamed in the taxonomy",
            )
            self._graph.add((known.iri, SKOS.prefLabel, Literal(mention.name)))
        self._add_chain(mention.code, line=mention.line, name=mention.name)
        return self._terms.minter.category(mention.code)

    def _add_chain(self, code: str, *, line: int | None, name: str | None = None) -> None:
        if code in self._done:
            return
        self._done.add(code)
        known = self._terms.category(code)
        if known is not None:
            self._copy(known.iri)
        else:
            self._add_provisional(code, line=line, name=name)
        parent = parent_code(code)
        if parent is not None:
            self._add_chain(parent, line=line)

    def _copy(self, iri: URIRef) -> None:
        for predicate in CATEGORY_PREDICATES:
            for value in self._terms.graph.objects(iri, predicate):
                self._graph.add((iri, predicate, value))

    def _add_provisional(self, code: str, *, line: int | None, name: str | None) -> None:
        minter = self._terms.minter
        iri = minter.category(code)
        shown = f"{code} {name!r}" if name else code
        self._log.warn(
            line,
            f"category {shown} is not in the taxonomy: created provisional (mg:provisional true); "
            "add it to data/taxonomy.ttl once confirmed",
        )
        graph = self._graph
        graph.add((iri, RDF.type, MG.Category))
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.notation, Literal(code)))
        graph.add((iri, SKOS.inScheme, minter.taxonomy()))
        graph.add((iri, MG.provisional, Literal(True)))
        if name:
            graph.add((iri, SKOS.prefLabel, Literal(name)))
        parent = parent_code(code)
        if parent is None:
            graph.add((iri, SKOS.topConceptOf, minter.taxonomy()))
        else:
            graph.add((iri, MG.subcategoryOf, minter.category(parent)))
            graph.add((iri, SKOS.broader, minter.category(parent)))


def add_facet_value(graph: Graph, choice: FacetChoice, *, terms: ReferenceTerms, log: WarningLog) -> URIRef:
    """The IRI of the facet value the page names, its node added to `graph` (created when new)."""
    known = terms.facet_value(choice.facet, choice.name)
    if known is None:
        return _new_facet_value(graph, choice, terms=terms, log=log)
    for predicate in FACET_PREDICATES:
        for value in terms.graph.objects(known.iri, predicate):
            graph.add((known.iri, predicate, value))
    if known.definition is None or normalised(known.definition) == normalised(choice.definition):
        graph.add((known.iri, SKOS.definition, Literal(known.definition or choice.definition)))
    else:
        log.warn(
            choice.line,
            f"the page defines {choice.facet} {known.name!r} as {choice.definition!r}, the reference as "
            f"{known.definition!r}; the reference's definition is kept",
        )
    return known.iri


def _new_facet_value(graph: Graph, choice: FacetChoice, *, terms: ReferenceTerms, log: WarningLog) -> URIRef:
    minter = terms.minter
    iri = minter.facet_value(choice.facet, choice.name)
    scheme = minter.facet_scheme(choice.facet)
    log.warn(
        choice.line, f"new {choice.facet} value {choice.name!r}: created with the definition the page shows"
    )
    graph.add((iri, RDF.type, FACET_CLASSES[choice.facet]))
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.prefLabel, Literal(choice.name)))
    graph.add((iri, SKOS.definition, Literal(choice.definition)))
    graph.add((iri, SKOS.inScheme, scheme))
    graph.add((iri, SKOS.topConceptOf, scheme))
    return iri
