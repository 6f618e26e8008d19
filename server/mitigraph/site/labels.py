"""How an entity is named and ordered wherever Mitigraph shows it: the site it builds and the pages it serves.

Where a label or a text is found (best predicate first), which literal of several is shown (English or
untagged first), what stands in for a missing label, and how taxonomy codes sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyoxigraph import Literal, NamedNode
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from mitigraph.namespaces import SCHEMA

LABEL_PREDICATES: tuple[str, ...] = (
    str(RDFS.label),
    str(SKOS.prefLabel),
    str(DCTERMS.title),
    str(FOAF.name),
    str(SCHEMA.name),
)
"""Where a label is found, best first."""
TEXT_PREDICATES: tuple[str, ...] = (str(DCTERMS.description), str(SKOS.definition), str(DCTERMS.abstract))
"""Where the searchable text of an entity is."""
SHORT_TITLE_CHARACTERS = 80
"""How much of a text stands in for a missing name (a provisional category known by its description)."""


def best_literal(literals: Sequence[Literal]) -> str:
    """English or untagged first, then any, so a page never shows an arbitrary language by accident."""
    preferred = sorted(literals, key=lambda lit: (lit.language not in (None, "en"), lit.value))
    return preferred[0].value if preferred else ""


def readable_tail(iri: str) -> str:
    """A readable name for an IRI with no label: its last path segment, hyphens as spaces."""
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.replace("-", " ").strip() or iri


def shorten(text: str, *, limit: int = SHORT_TITLE_CHARACTERS) -> str:
    """The start of `text` on one line, cut at a word with an ellipsis when longer than `limit`."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut.rstrip(" ,;:.") + "…"


def is_true(literals: Sequence[object]) -> bool:
    """Whether a boolean property is stated true (as xsd:boolean "true" or "1")."""
    return any(isinstance(value, Literal) and value.value in ("true", "1") for value in literals)


def code_key(code: str) -> tuple[tuple[int, str], ...]:
    """Sort codes as numbers segment by segment: 1.2 < 1.10 < 2 < 99.9."""
    return tuple((int(part), "") if part.isdigit() else (1 << 30, part) for part in code.split("."))


def iri_list(iris: Iterable[str]) -> str:
    """IRIs written as SPARQL terms for a VALUES clause; NamedNode checks each is a valid IRI."""
    return " ".join(str(NamedNode(iri)) for iri in iris)
