"""The page of any other entity (a navigator page, an author, the taxonomy and facet schemes, the dataset, an
ordered collection): what it is, where it comes from (mitigraph.web.views.origin), its statements and what
links to it.

A property or class is named by the label the ontology or the imported vocabularies give it in the store,
else by its name in words ("wasDerivedFrom" -> "was derived from"); an RDF list (the lifecycle order) is
shown as its members in order.
"""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib.namespace import DCTERMS, RDF, SKOS

from mitigraph.namespaces import prefixes
from mitigraph.site.labels import readable_tail
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, Statements, incoming_statements, list_members
from mitigraph.web.text_rendering import text_blocks
from mitigraph.web.views.kinds import property_link, type_link
from mitigraph.web.views.origin import origin_of

STRUCTURED = "(a structured value; see the RDF of this page)"
LIST_STRUCTURE = (str(RDF.first), str(RDF.rest))
"""The cells of an RDF list (an author list) point at its members: structure, not something to show."""

Value = Link | str | list[Link]


def render(site: Site, iri: str, statements: Statements) -> str:
    incoming = incoming_statements(site.reader, iri)
    linked_iris = [
        v.value for p in statements.predicates() for v in statements.values(p) if isinstance(v, NamedNode)
    ]
    links = site.linker.links(
        [*statements.predicates(), *linked_iris, *(s for s, _ in incoming), *(p for _, p in incoming)]
    )
    kinds = {link.label: link for link in (type_link(links[t]) for t in statements.iris(str(RDF.type)))}
    rows = [
        (
            property_link(links[predicate]),
            [value_of(site, links, value, predicate) for value in statements.values(predicate)],
        )
        for predicate in statements.predicates()
    ]
    referrers: dict[str, list[Link]] = defaultdict(list)
    for subject, predicate in incoming:
        if predicate not in LIST_STRUCTURE:
            referrers[predicate].append(links[subject])
    return render_template(
        "entity.html",
        iri=iri,
        title=statements.label(iri),
        kinds=list(kinds.values()),
        text=text_blocks(statements.text(str(DCTERMS.description)) or statements.text(str(SKOS.definition))),
        origin=origin_of(site, iri, statements, links, incoming),
        rows=rows,
        referrers=[
            (property_link(links[predicate]), sorted(found, key=lambda link: link.label.casefold()))
            for predicate, found in referrers.items()
        ],
    )


def value_of(site: Site, links: dict[str, Link], value: object, predicate: str) -> Value:
    """A value as the statements table shows it: a link, a text, or the members of an RDF list."""
    if isinstance(value, NamedNode):
        if predicate == str(RDF.type):
            return type_link(links[value.value])
        return vocabulary_link(site, links[value.value])
    if isinstance(value, Literal):
        return value.value
    if isinstance(value, BlankNode):
        members = list_members(site.reader, value)
        if members:
            listed = site.linker.links(members)
            return [listed[member] for member in members]
    return STRUCTURED


def vocabulary_link(site: Site, link: Link) -> Link:
    """A vocabulary's namespace IRI with no label of its own, named by its prefix ("foaf:", not "0.1")."""
    if link.label != readable_tail(link.iri):
        return link
    prefix = next((p for p, ns in prefixes(site.settings.base).items() if ns == link.iri), None)
    return Link(iri=link.iri, label=f"{prefix}:", href=link.href) if prefix else link
