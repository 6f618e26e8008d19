"""Where a record sits, so that records with the same label can be told apart.

One item is often recorded twice: once as the record of its own navigator page ("Capability Limitation
Mitigations", A1892) and once as an item another page lists under its source's headings; a page may list
it again under a numbered section ("2.1 Data Filtering"). The graph states what tells them apart: the
section number (mg:sectionNumber), the whole it is part of (mg:partOf), its navigator record (mg:navigatorId),
its source (mg:citedIn) and the records it nearly duplicates (mg:nearDuplicateOf, either way). Every fact is
an index lookup bound to one record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from mitigraph.iris import Minter
from mitigraph.namespaces import MG
from mitigraph.site.labels import best_literal
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, objects, subjects_linking, unique

MAX_NEAR_DUPLICATES = 10
"""Near-duplicates named beside one record."""


@dataclass(frozen=True)
class Facts:
    """What one record states about its place."""

    section: str
    navigator_id: str
    wholes: tuple[str, ...]
    sources: tuple[str, ...]
    near_duplicates: tuple[str, ...]


@dataclass(frozen=True)
class Whereabouts:
    """A record's place as a page shows it beside its label."""

    section: str
    """The section number its source gives it ("2.1"), or ""."""
    navigator: Link | None
    """Its own page on the navigator, when it is the record of one (mg:navigatorId)."""
    wholes: tuple[Link, ...]
    sources: tuple[Link, ...]
    also_listed_as: tuple[tuple[Link, str], ...]
    """Its near-duplicates, each with what tells it apart from this one ("section 2.1")."""

    def __bool__(self) -> bool:
        return bool(self.section or self.navigator or self.wholes or self.sources or self.also_listed_as)


def facts_of(site: Site, iri: str) -> Facts:
    reader = site.reader

    def texts(predicate: str) -> str:
        return best_literal([v for v in objects(reader, iri, predicate) if isinstance(v, Literal)])

    def iris(predicate: str) -> list[str]:
        return [v.value for v in objects(reader, iri, predicate) if isinstance(v, NamedNode)]

    near = unique([*iris(str(MG.nearDuplicateOf)), *subjects_linking(reader, iri, str(MG.nearDuplicateOf))])
    return Facts(
        section=texts(str(MG.sectionNumber)),
        navigator_id=texts(str(MG.navigatorId)),
        wholes=tuple(iris(str(MG.partOf))),
        sources=tuple(iris(str(MG.citedIn))),
        near_duplicates=tuple(other for other in near if other != iri)[:MAX_NEAR_DUPLICATES],
    )


def whereabouts(site: Site, records: Sequence[str]) -> dict[str, Whereabouts]:
    """Each record's whereabouts, its near-duplicates described by what differs."""
    facts = {iri: facts_of(site, iri) for iri in unique(records)}
    others = {
        other: facts_of(site, other)
        for found in facts.values()
        for other in found.near_duplicates
        if other not in facts
    }
    known = {**others, **facts}
    links = site.linker.links(
        i for found in facts.values() for i in (*found.wholes, *found.sources, *found.near_duplicates)
    )
    source_links = site.linker.links(s for found in others.values() for s in found.sources)
    titles = {iri: link.label for iri, link in {**source_links, **links}.items()}
    minter = Minter(site.settings.base)
    return {
        iri: Whereabouts(
            section=found.section,
            navigator=navigator_link(minter, found.navigator_id) if found.navigator_id else None,
            wholes=tuple(links[w] for w in found.wholes),
            sources=tuple(links[s] for s in found.sources),
            also_listed_as=tuple(
                (links[other], distinction(known[other], titles)) for other in found.near_duplicates
            ),
        )
        for iri, found in facts.items()
    }


def navigator_link(minter: Minter, navigator_id: str) -> Link:
    """The navigator's own page of a record, which is where the record comes from."""
    url = str(minter.navigator_page(navigator_id))
    return Link(iri=url, label=f"navigator record {navigator_id}", href=url)


def distinction(facts: Facts, titles: dict[str, str]) -> str:
    """What names a near-duplicate apart from a record of the same label: its section, its navigator record,
    else the source that lists it."""
    if facts.section:
        return f"section {facts.section}"
    if facts.navigator_id:
        return f"navigator record {facts.navigator_id}"
    if facts.sources:
        return "listed by " + "; ".join(titles.get(s, s) for s in facts.sources)
    return "listed elsewhere"
