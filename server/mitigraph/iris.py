"""Readable, stable IRIs for everything Mitigraph mints: the same input always gives the same IRI."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

from mitigraph.namespaces import DEFAULT_BASE

LIFECYCLE_STAGE = "lifecycle-stage"
ACTOR = "actor"
RISK_MANAGEMENT_FUNCTION = "risk-management-function"
FACETS = (LIFECYCLE_STAGE, ACTOR, RISK_MANAGEMENT_FUNCTION)

NIST_GENAI_RISKS = "nist-genai-risk"
"""The scheme of the NIST AI 600-1 generative-AI risks that NIST-derived pages tag records with."""
NIST_ACTOR_TASKS = "nist-actor-task"
"""The scheme of the NIST AI RMF AI actor tasks that NIST-derived pages tag records with."""
SOURCE_WORDS_IN_ITEM_IRIS = 4
"""How many words of the source's slug prefix an item's IRI (keeps items of different sources apart)."""
MAX_SLUG_LENGTH = 80
NAVIGATOR_PAGES = "https://www.airi-navigator.com/mitigations-v2/"
"""Where the navigator publishes the page of record `A<digits>`."""

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lower-case ASCII words joined by '-', cut at a word boundary; '' for text with no letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


@dataclass(frozen=True)
class Minter:
    """Mints instance IRIs under one base (default https://w3id.org/mitigraph/id/)."""

    base: str = DEFAULT_BASE

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def taxonomy(self) -> URIRef:
        return self._iri("taxonomy")

    def category(self, code: str) -> URIRef:
        return self._iri(f"category/{code}")

    def facet_scheme(self, facet: str) -> URIRef:
        return self._iri(facet)

    def facet_value(self, facet: str, name: str) -> URIRef:
        if facet not in FACETS:
            raise ValueError(f"unknown facet {facet!r}; expected one of {', '.join(FACETS)}")
        return self._iri(f"{facet}/{slugify(name)}")

    def source(self, title: str) -> URIRef:
        return self._iri(f"source/{slugify(title)}")

    def agent(self, name: str) -> URIRef:
        return self._iri(f"agent/{slugify(name)}")

    def page(self, page_id: str) -> URIRef:
        return self._iri(f"page/{page_id}")

    def navigator_page(self, navigator_id: str) -> URIRef:
        """The navigator's own page of a record: an IRI we refer to, not one we mint."""
        return URIRef(NAVIGATOR_PAGES + navigator_id)

    def author_list_cell(self, source_iri: URIRef, position: int) -> URIRef:
        """The rdf:List cell holding the author at `position` (1-based) of a source's bibo:authorList.

        Named rather than blank, so that pages citing the same source merge into one list, not several.
        """
        return URIRef(f"{source_iri}#authors-{position}")

    def page_record(self, page_id: str) -> URIRef:
        """The page's own record: `mitigation/A2244` for a navigator page."""
        return self._iri(f"mitigation/{page_id}")

    def listed_item(self, source_iri: URIRef, title_path: list[str], occurrence: int = 1) -> URIRef:
        """An item a page lists, keyed by its source and its title path (`A > B`).

        `occurrence` tells apart different items listed under the very same title path.
        """
        return self.listed_item_of(str(source_iri).rsplit("/", 1)[-1], title_path, occurrence)

    def listed_item_of(self, owner: str, title_path: list[str], occurrence: int = 1) -> URIRef:
        """An item keyed by its owner's slug: its source's, or `page-<id>` for items listed only by pages that
        do not show their source (the id of the first of those pages)."""
        source_part = "-".join(owner.split("-")[:SOURCE_WORDS_IN_ITEM_IRIS])
        title_part = "--".join(slugify(title, max_length=60) or "untitled" for title in title_path)
        suffix = f"--{occurrence}" if occurrence > 1 else ""
        return self._iri(f"mitigation/{source_part}--{title_part}{suffix}")

    def unplaced_category(self, description: str, parent_code: str | None) -> URIRef:
        """A category known only by the description a page shows, under its `Also in` parent, if any."""
        where = f"under-{parent_code}" if parent_code else "unplaced"
        return self._iri(f"category/{where}--{slugify(description, max_length=60)}")

    def taxonomy_evidence(self, category_iri: URIRef, fact: str) -> URIRef:
        """How one fact of a learnt category (`code`, `name`, `definition`, `parent`) was learnt."""
        return URIRef(f"{category_iri}#{fact}")

    def nist_scheme(self, scheme: str) -> URIRef:
        if scheme not in (NIST_GENAI_RISKS, NIST_ACTOR_TASKS):
            raise ValueError(
                f"unknown NIST scheme {scheme!r}; expected {NIST_GENAI_RISKS} or {NIST_ACTOR_TASKS}"
            )
        return self._iri(scheme)

    def nist_genai_risk(self, name: str) -> URIRef:
        return self._iri(f"{NIST_GENAI_RISKS}/{slugify(name)}")

    def nist_actor_task(self, name: str) -> URIRef:
        return self._iri(f"{NIST_ACTOR_TASKS}/{slugify(name)}")

    def limitation(self, name: str) -> URIRef:
        return self._iri(f"limitation/{slugify(name)}")

    def dataset(self) -> URIRef:
        return self._iri("dataset")
