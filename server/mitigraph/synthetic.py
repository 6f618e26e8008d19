"""Synthetic graphs shaped like Mitigraph's, of any size, for benchmarks and scale tests.

The generator streams triples straight into Oxigraph's serializer, so a million mitigations never sit in
memory as a graph. Categories and facet values are the real ones (read from `data/` through the loader);
everything else (sources, authors, pages, mitigations, limitations, curated links) is made up from a seeded
random generator, so one seed always gives the same file.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from mitigraph.files import write_atomically
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION, Minter
from mitigraph.namespaces import BIBO, DEFAULT_BASE, MG, prefixes
from mitigraph.synthetic_material import (
    ADJECTIVES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    LIMITATION_FAMILIES,
    LIMITATIONS,
    NOUNS,
    ORGANISATIONS,
    TOPICS,
    VERBS,
    GenerationError,
    ReferenceTerms,
    load_reference_terms,
)

FORMATS_BY_SUFFIX = {".nt": RdfFormat.N_TRIPLES, ".ttl": RdfFormat.TURTLE}
"""The file extensions `generate` writes, and the format each one means."""

MITIGATIONS_PER_SOURCE = (8, 30)
"""How many mitigations one synthetic source (and its page) lists: a range, like the navigator's pages."""
AUTHORS_PER_SOURCE = (1, 8)
PART_EVERY = 9
"""Roughly one mitigation in this many is listed under another (`A > B`, mg:partOf)."""
NEAR_DUPLICATE_EVERY = 40
LIMITATION_EVERY = 6
"""Roughly one mitigation in this many has a stated limitation (mg:hasLimitation)."""
MITIGATIONS_PER_LIMITATION = 50
"""One distinct limitation per this many mitigations (at least one)."""
MITIGATIONS_PER_FAMILY = 500
"""One limitation family per this many mitigations, up to the four families there are."""
ORGANISATION_SHARE = 0.15
"""The share of authors that are organisations rather than people."""
CURATOR_NAME = "Mitigraph curators"
"""Who the synthetic curated links are attributed to (prov:wasAttributedTo)."""
ADDRESSES_EVERY = 25
"""Roughly one mitigation in this many carries a curated, justified mg:addressesLimitation link."""
SYNTHETIC_PAGE_PREFIX = "syn"


@dataclass(frozen=True)
class GenerationResult:
    path: Path
    mitigations: int
    triples: int


def rdf_format_for(path: Path) -> RdfFormat:
    """The format a file name asks for: N-Triples for .nt, Turtle for .ttl."""
    try:
        return FORMATS_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        supported = ", ".join(FORMATS_BY_SUFFIX)
        raise GenerationError(
            f"{path}: cannot tell the format from {path.suffix!r}; use one of {supported}"
        ) from None


def _node(iri: URIRef) -> NamedNode:
    return NamedNode(str(iri))


def _text(value: str) -> Literal:
    return Literal(value)


@dataclass(frozen=True)
class _Limitation:
    iri: URIRef
    name: str
    family: URIRef | None


class _SyntheticGraph:
    """Yields the triples of one synthetic graph, source block by source block.

    The first mitigations each state one limitation (so every limitation, families included, belongs to a
    mitigation, as the shapes ask); later ones pick from the pool at random.
    """

    def __init__(self, *, mitigations: int, seed: int, minter: Minter, reference: ReferenceTerms) -> None:
        self._total = mitigations
        self._random = random.Random(seed)
        self._minter = minter
        self._reference = reference
        self._limitations = self._limitation_pool(mitigations)
        self._curator = minter.agent(CURATOR_NAME)
        self._blank_nodes = 0
        self.written = 0
        """Mitigations yielded so far (read by the progress bar)."""

    def triples(self) -> Iterator[Triple]:
        yield from self._curator_triples()
        block = 0
        while self.written < self._total:
            block += 1
            size = min(self._random.randint(*MITIGATIONS_PER_SOURCE), self._total - self.written)
            yield from self._source_block(block, size)

    def _blank_node(self) -> BlankNode:
        """A blank node with a counter-made label, so one seed always writes the same bytes."""
        self._blank_nodes += 1
        return BlankNode(f"b{self._blank_nodes}")

    # ------------------------------------------------------------------ limitations and curators

    def _limitation_pool(self, mitigations: int) -> list[_Limitation]:
        """Families first (one per LIMITATIONS_PER_FAMILY mitigations), then specific limitations."""
        family_count = min(len(LIMITATION_FAMILIES), mitigations // MITIGATIONS_PER_FAMILY)
        families = [
            _Limitation(self._minter.limitation(name), name, None)
            for name in LIMITATION_FAMILIES[:family_count]
        ]
        specific = []
        for number in range(1, max(1, mitigations // MITIGATIONS_PER_LIMITATION) + 1):
            name = f"{LIMITATIONS[number % len(LIMITATIONS)]} {number}"
            family = families[number % len(families)].iri if families else None
            specific.append(_Limitation(self._minter.limitation(name), name, family))
        return families + specific

    def _limitation_triples(self, limitation: _Limitation, *, page: URIRef) -> Iterator[Triple]:
        node = _node(limitation.iri)
        yield Triple(node, _node(RDF.type), _node(MG.Limitation))
        yield Triple(node, _node(RDFS.label), _text(limitation.name))
        yield Triple(node, _node(DCTERMS.description), _text(self._sentence("It fails when")))
        yield Triple(node, _node(PROV.wasDerivedFrom), _node(page))
        if limitation.family is not None:
            yield Triple(node, _node(MG.limitationFamily), _node(limitation.family))

    def _curator_triples(self) -> Iterator[Triple]:
        node = _node(self._curator)
        yield Triple(node, _node(RDF.type), _node(PROV.Agent))
        yield Triple(node, _node(RDF.type), _node(FOAF.Organization))
        yield Triple(node, _node(FOAF.name), _text(CURATOR_NAME))

    # ------------------------------------------------------------------ sources and pages

    def _source_block(self, block: int, size: int) -> Iterator[Triple]:
        adjective, topic = self._random.choice(ADJECTIVES), self._random.choice(TOPICS)
        title = f"{adjective.capitalize()} approaches to {topic} {block}"
        source = self._minter.source(title)
        page_id = f"{SYNTHETIC_PAGE_PREFIX}{block:07d}"
        page = self._minter.page(page_id)
        yield from self._source_triples(source, title)
        yield Triple(_node(page), _node(RDF.type), _node(MG.NavigatorPage))
        items: list[URIRef] = []
        for position in range(size):
            self.written += 1
            title = self._title()
            if position == 0:
                iri = self._minter.page_record(page_id)
                yield Triple(_node(iri), _node(MG.navigatorId), _text(page_id))
                yield Triple(_node(iri), _node(MG.reasoning), _text(self._sentence("It is classified so as")))
            else:
                iri = self._minter.listed_item(source, [title])
            yield from self._mitigation_triples(iri, title, source=source, page=page)
            yield from self._extras(iri, items, page=page)
            items.append(iri)

    def _source_triples(self, source: URIRef, title: str) -> Iterator[Triple]:
        node = _node(source)
        year = Literal(str(self._random.randint(2015, 2026)), datatype=_node(XSD.gYear))
        yield Triple(node, _node(RDF.type), _node(MG.Source))
        yield Triple(node, _node(DCTERMS.title), _text(title))
        yield Triple(node, _node(DCTERMS.issued), year)
        authors = [self._author() for _ in range(self._random.randint(*AUTHORS_PER_SOURCE))]
        for agent, description in authors:
            yield from description
            yield Triple(node, _node(DCTERMS.creator), agent)
        yield from self._author_list(source, [agent for agent, _ in authors])

    def _author(self) -> tuple[NamedNode, list[Triple]]:
        """A person (family and given name, as pages write them) or, now and then, an organisation."""
        if self._random.random() < ORGANISATION_SHARE:
            name = self._random.choice(ORGANISATIONS)
            agent = _node(self._minter.agent(name))
            return agent, [
                Triple(agent, _node(RDF.type), _node(FOAF.Organization)),
                Triple(agent, _node(FOAF.name), _text(name)),
            ]
        family, given = self._random.choice(FAMILY_NAMES), self._random.choice(GIVEN_NAMES)
        agent = _node(self._minter.agent(f"{family}, {given}"))
        return agent, [
            Triple(agent, _node(RDF.type), _node(FOAF.Person)),
            Triple(agent, _node(FOAF.familyName), _text(family)),
            Triple(agent, _node(FOAF.givenName), _text(given)),
            Triple(agent, _node(FOAF.name), _text(f"{given} {family}")),
        ]

    def _author_list(self, source: URIRef, agents: list[NamedNode]) -> Iterator[Triple]:
        """bibo:authorList as an RDF list of named cells, so the authors keep the order the source gives."""
        cells = [
            _node(self._minter.author_list_cell(source, position)) for position in range(1, len(agents) + 1)
        ]
        yield Triple(_node(source), _node(BIBO.authorList), cells[0])
        for index, (cell, agent) in enumerate(zip(cells, agents, strict=True)):
            yield Triple(cell, _node(RDF.first), agent)
            rest = cells[index + 1] if index + 1 < len(cells) else _node(RDF.nil)
            yield Triple(cell, _node(RDF.rest), rest)

    # ------------------------------------------------------------------ mitigations

    def _title(self) -> str:
        words = (self._random.choice(VERBS), self._random.choice(ADJECTIVES), self._random.choice(NOUNS))
        return f"{' '.join(words)} {self.written}"

    def _sentence(self, opening: str) -> str:
        noun, topic = self._random.choice(NOUNS), self._random.choice(TOPICS)
        return f"{opening} {self._random.choice(ADJECTIVES)} {noun} reduce risks from {topic}."

    def _mitigation_triples(
        self, iri: URIRef, title: str, *, source: URIRef, page: URIRef
    ) -> Iterator[Triple]:
        node = _node(iri)
        choice = self._random.choice
        yield Triple(node, _node(RDF.type), _node(MG.Mitigation))
        yield Triple(node, _node(RDFS.label), _text(title))
        yield Triple(node, _node(DCTERMS.description), _text(self._sentence("Measures where")))
        yield Triple(node, _node(MG.inCategory), _node(choice(self._reference.categories)))
        yield Triple(node, _node(MG.citedIn), _node(source))
        yield Triple(node, _node(PROV.wasDerivedFrom), _node(page))
        for facet, predicate in (
            (LIFECYCLE_STAGE, MG.lifecycleStage),
            (ACTOR, MG.actor),
            (RISK_MANAGEMENT_FUNCTION, MG.riskManagementFunction),
        ):
            yield Triple(node, _node(predicate), _node(choice(self._reference.facet_values[facet])))

    def _extras(self, iri: URIRef, earlier: list[URIRef], *, page: URIRef) -> Iterator[Triple]:
        """Parts, near-duplicates, limitations and curated links, each on a share of the mitigations."""
        node = _node(iri)
        roll = self._random.randrange
        if earlier and roll(PART_EVERY) == 0:
            yield Triple(node, _node(MG.partOf), _node(earlier[roll(len(earlier))]))
        if earlier and roll(NEAR_DUPLICATE_EVERY) == 0:
            yield Triple(node, _node(MG.nearDuplicateOf), _node(earlier[roll(len(earlier))]))
        if self.written <= len(self._limitations):
            limitation = self._limitations[self.written - 1]
            yield from self._limitation_triples(limitation, page=page)
            yield Triple(node, _node(MG.hasLimitation), _node(limitation.iri))
        elif roll(LIMITATION_EVERY) == 0:
            yield Triple(node, _node(MG.hasLimitation), _node(self._random.choice(self._limitations).iri))
        if roll(ADDRESSES_EVERY) == 0:
            yield from self._addresses(node)

    def _addresses(self, node: NamedNode) -> Iterator[Triple]:
        """A curated mg:addressesLimitation link, reified so it can carry its justification and curator."""
        limitation = _node(self._random.choice(self._limitations).iri)
        statement = self._blank_node()
        yield Triple(node, _node(MG.addressesLimitation), limitation)
        yield Triple(statement, _node(RDF.type), _node(RDF.Statement))
        yield Triple(statement, _node(RDF.subject), node)
        yield Triple(statement, _node(RDF.predicate), _node(MG.addressesLimitation))
        yield Triple(statement, _node(RDF.object), limitation)
        yield Triple(statement, _node(MG.justification), _text(self._sentence("It helps because")))
        yield Triple(statement, _node(PROV.wasAttributedTo), _node(self._curator))


def generate(
    output: Path,
    *,
    mitigations: int,
    seed: int = 0,
    base: str = DEFAULT_BASE,
    on_progress: Callable[[int], None] | None = None,
) -> GenerationResult:
    """Write a synthetic graph of `mitigations` mitigations to `output` (format from its extension).

    The file appears only once it is complete (written beside it, then renamed), so a failure never leaves
    a truncated graph behind. `on_progress` receives the number of mitigations written so far.
    """
    if mitigations < 1:
        raise GenerationError(f"--mitigations must be at least 1, got {mitigations}")
    output = Path(output)
    rdf_format = rdf_format_for(output)
    if not output.parent.is_dir():
        raise GenerationError(f"{output}: the directory {output.parent} does not exist")
    minter = Minter(base)
    graph = _SyntheticGraph(
        mitigations=mitigations, seed=seed, minter=minter, reference=load_reference_terms(minter=minter)
    )
    counted = _TripleCounter(graph, on_progress)
    turtle_prefixes = prefixes(base) if rdf_format == RdfFormat.TURTLE else None

    def write(stream: BinaryIO) -> None:
        serialize(counted, stream, rdf_format, prefixes=turtle_prefixes)

    write_atomically(output, write)
    return GenerationResult(path=output, mitigations=graph.written, triples=counted.count)


class _TripleCounter:
    """Counts the triples passing through and reports progress once per mitigation block."""

    def __init__(self, graph: _SyntheticGraph, on_progress: Callable[[int], None] | None) -> None:
        self._graph = graph
        self._on_progress = on_progress
        self.count = 0

    def __iter__(self) -> Iterator[Triple]:
        reported = 0
        for triple in self._graph.triples():
            self.count += 1
            if self._on_progress is not None and self._graph.written != reported:
                reported = self._graph.written
                self._on_progress(reported)
            yield triple
        if self._on_progress is not None:
            self._on_progress(self._graph.written)
