"""The page of any other entity (taxonomy, facet scheme, author, navigator page, dataset): its statements."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from pyoxigraph import Literal, NamedNode
from rdflib.namespace import DCTERMS, SKOS

from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, Statements, incoming_statements

Value = Link | str


def render(site: Site, iri: str, statements: Statements) -> str:
    incoming = incoming_statements(site.reader, iri)
    linked_iris = [
        value.value
        for p in statements.predicates()
        for value in statements.values(p)
        if isinstance(value, NamedNode)
    ]
    links = site.linker.links(
        [*statements.predicates(), *linked_iris, *(s for s, _ in incoming), *(p for _, p in incoming)]
    )
    rows: list[tuple[Link, list[Value]]] = []
    for predicate in statements.predicates():
        values: list[Value] = []
        for value in statements.values(predicate):
            if isinstance(value, NamedNode):
                values.append(links[value.value])
            elif isinstance(value, Literal):
                values.append(value.value)
            else:
                values.append("(a structured value; see the RDF of this page)")
        rows.append((links[predicate], values))
    referrers: dict[str, list[Link]] = defaultdict(list)
    for subject, predicate in incoming:
        referrers[predicate].append(links[subject])
    return render_template(
        "entity.html",
        iri=iri,
        title=statements.label(iri),
        text=statements.text(str(DCTERMS.description)) or statements.text(str(SKOS.definition)),
        rows=rows,
        referrers=[(links[predicate], found) for predicate, found in referrers.items()],
    )
