"""The reference data a page is read against: the taxonomy's categories and the facet values, indexed.

Pages show names and descriptions, never IRIs; matching them by a normalised form of the text (quotes,
spacing and case folded) lets the importer reuse the IRIs that `data/taxonomy.ttl` and `data/facets.ttl`
already give, so that many imported pages form one connected graph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from mitigraph.iris import FACETS, Minter
from mitigraph.namespaces import MG

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_SPACES = re.compile(r"\s+")


def normalised(text: str) -> str:
    """The form in which two spellings of one name or description compare equal."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip().casefold()


def parent_code(code: str) -> str | None:
    """`1.1.3` -> `1.1`; a top-level code has no parent."""
    return code.rsplit(".", 1)[0] if "." in code else None


@dataclass(frozen=True)
class KnownCategory:
    iri: URIRef
    code: str
    name: str | None
    definition: str | None


@dataclass(frozen=True)
class KnownFacetValue:
    iri: URIRef
    name: str
    definition: str | None


class ReferenceTerms:
    """The categories and facet values of a reference graph, indexed the ways a page mentions them."""

    def __init__(self, graph: Graph, *, minter: Minter) -> None:
        self.graph = graph
        self.minter = minter
        self._by_code: dict[str, KnownCategory] = {}
        for iri in graph.subjects(RDF.type, MG.Category):
            code = graph.value(iri, SKOS.notation)
            if isinstance(iri, URIRef) and code is not None:
                name = graph.value(iri, SKOS.prefLabel)
                definition = graph.value(iri, SKOS.definition)
                self._by_code[str(code)] = KnownCategory(
                    iri=iri,
                    code=str(code),
                    name=str(name) if name is not None else None,
                    definition=str(definition) if definition is not None else None,
                )
        self._by_name = {normalised(c.name): c for c in self._by_code.values() if c.name}
        self._names_longest_first = sorted(
            (c.name for c in self._by_code.values() if c.name), key=lambda name: (-len(name), name)
        )
        self._facet_values = {facet: self._read_facet(facet) for facet in FACETS}

    def _read_facet(self, facet: str) -> dict[str, KnownFacetValue]:
        values: dict[str, KnownFacetValue] = {}
        for iri in self.graph.subjects(SKOS.inScheme, self.minter.facet_scheme(facet)):
            name = self.graph.value(iri, SKOS.prefLabel)
            if isinstance(iri, URIRef) and name is not None:
                definition = self.graph.value(iri, SKOS.definition)
                values[normalised(str(name))] = KnownFacetValue(
                    iri=iri, name=str(name), definition=str(definition) if definition is not None else None
                )
        return values

    def categories(self) -> list[KnownCategory]:
        return sorted(self._by_code.values(), key=lambda c: c.code)

    def category(self, code: str) -> KnownCategory | None:
        return self._by_code.get(code)

    def category_named(self, name: str) -> KnownCategory | None:
        return self._by_name.get(normalised(name))

    def categories_described_as(self, description: str) -> list[KnownCategory]:
        wanted = normalised(description)
        return sorted(
            (c for c in self._by_code.values() if c.definition and normalised(c.definition) == wanted),
            key=lambda c: c.code,
        )

    def category_names_longest_first(self) -> list[str]:
        """Every known category name, longest first, so that `Model Architecture` wins over `Model`."""
        return list(self._names_longest_first)

    def facet_value(self, facet: str, name: str) -> KnownFacetValue | None:
        return self._facet_values[facet].get(normalised(name))

    def facet_names(self, facet: str) -> list[str]:
        return sorted(
            (value.name for value in self._facet_values[facet].values()), key=lambda n: (-len(n), n)
        )
