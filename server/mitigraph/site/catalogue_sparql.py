"""The filterable list as a SPARQL query: the same records as the catalogue gives for the same filters, for a
person to open in the editor, read, and change.

Each facet is the property the catalogue was built from (catalogue_rows), with the chosen values as IRIs
in a VALUES block (several values: any of them); a category includes its subcategories. SPARQL has no word
search with stemming and ranking, so the search words are named in a comment and left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from mitigraph.namespaces import MG, RDFS
from mitigraph.site.catalogue import FACETS, Filters

PATHS = {
    "category": "mg:inCategory/mg:subcategoryOf*",
    "stage": "mg:lifecycleStage",
    "actor": "mg:actor",
    "function": "mg:riskManagementFunction",
    "source": "mg:citedIn",
}
"""Facet -> the property path from a mitigation to the facet's values."""


def list_query(filters: Filters, iris: Mapping[str, Mapping[str, str]]) -> str:
    """The SPARQL query of the list `filters` asks for; `iris`: facet -> chosen value -> its IRI (from
    `Catalogue.value_iris`). Records come in label order, each with its label."""
    lines = [
        f"PREFIX mg: <{MG}>",
        f"PREFIX rdfs: <{RDFS}>",
        "",
        "# The mitigations of the list at /mitigations, in label order.",
    ]
    if filters.query.strip():
        words = " ".join(filters.query.split())
        lines.append(f"# Not here: the search words ({words}); SPARQL has no word search with stemming.")
    lines += ["SELECT ?mitigation (SAMPLE(?name) AS ?label) WHERE {", "  ?mitigation a mg:Mitigation ."]
    for facet in FACETS:
        chosen = filters.chosen.get(facet, ())
        if chosen:
            values = " ".join(f"<{iris[facet][value]}>" for value in chosen)
            lines += [f"  ?mitigation {PATHS[facet]} ?{facet} .", f"  VALUES ?{facet} {{ {values} }}"]
    incomplete = "?mitigation mg:pageIncomplete ?incomplete . FILTER(?incomplete = true)"
    if filters.incomplete is True:
        lines.append(f"  {incomplete}")
    elif filters.incomplete is False:
        lines.append(f"  FILTER NOT EXISTS {{ {incomplete} }}")
    lines += [
        "  OPTIONAL { ?mitigation rdfs:label ?name }",
        "}",
        "GROUP BY ?mitigation",
        "ORDER BY LCASE(STR(?label)) ?mitigation",
    ]
    return "\n".join(lines) + "\n"
