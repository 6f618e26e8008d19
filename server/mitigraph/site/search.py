"""The search index and the catalogue's alphabetical listings, built once into the site.

Every entity under the base with a label or a text (and every mitigation and source, labelled or not) is one
entry. A search is `str.find` over one case-folded string per field, at C speed: about 30 MB of text at
100,000 mitigations is scanned in a few milliseconds, with no index to keep in step with the graph. The
listings (`/mitigations`, `/sources`) are the entries of one kind in label order, sorted here once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from pyoxigraph import DefaultGraph, Literal, NamedNode
from rdflib.namespace import RDF

from mitigraph.namespaces import MG
from mitigraph.site.labels import LABEL_PREDICATES, TEXT_PREDICATES, best_literal, readable_tail
from mitigraph.store import GraphReader

RDF_TYPE = NamedNode(str(RDF.type))


@dataclass(frozen=True)
class SearchEntry:
    iri: str
    label: str
    kind: str
    """What the entity is, from its IRI's first path segment ("mitigation", "category", "source" ...)."""
    text: str


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[SearchEntry, ...]
    """The entries of the requested page of results."""
    total: int
    """How many entries match, counted up to the `count_limit` the search was given."""
    total_is_exact: bool
    """False when more entries match than `count_limit`."""


class SearchIndex:
    """Every label, and every text, case-folded into one string with an entry per line."""

    def __init__(self, entries: Sequence[SearchEntry]) -> None:
        self.entries = tuple(entries)
        self._labels, self._label_starts = self._joined(entry.label for entry in self.entries)
        self._texts, self._text_starts = self._joined(entry.text for entry in self.entries)
        by_kind: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(self.entries):
            by_kind[entry.kind].append(index)
        self._by_kind = {
            kind: tuple(sorted(found, key=lambda i: (self.entries[i].label.casefold(), self.entries[i].iri)))
            for kind, found in by_kind.items()
        }

    @staticmethod
    def _joined(values: Iterable[str]) -> tuple[str, list[int]]:
        lines = [fold(value) for value in values]
        starts, position = [], 0
        for line in lines:
            starts.append(position)
            position += len(line) + 1
        return "\n".join(lines), starts

    @staticmethod
    def _matches(blob: str, starts: list[int], needle: str) -> Iterator[int]:
        """Indexes of the entries whose line contains `needle`, each once, in order."""
        position = blob.find(needle)
        while position != -1:
            index = bisect_right(starts, position) - 1
            yield index
            next_line = starts[index + 1] if index + 1 < len(starts) else len(blob)
            position = blob.find(needle, next_line)

    def _label_line(self, index: int) -> str:
        end = self._label_starts[index + 1] - 1 if index + 1 < len(self.entries) else len(self._labels)
        return self._labels[self._label_starts[index] : end]

    def _ranked(self, needle: str) -> Iterator[int]:
        """Entries whose label contains `needle`, then those whose text alone does, each once."""
        in_text_only = (
            i
            for i in self._matches(self._texts, self._text_starts, needle)
            if needle not in self._label_line(i)
        )
        return chain(self._matches(self._labels, self._label_starts, needle), in_text_only)

    def search(self, text: str, *, offset: int, limit: int, count_limit: int) -> SearchResults:
        """One page of the entities whose label, then whose text, contains `text` (case-insensitive).

        Matches are counted up to `count_limit`, so a one-letter search costs no more than a page deep in
        the results.
        """
        needle = fold(text)
        if not needle:
            return SearchResults(hits=(), total=0, total_is_exact=True)
        page: list[int] = []
        total = 0
        for total, index in enumerate(islice(self._ranked(needle), count_limit + 1), start=1):
            if offset < total <= offset + limit:
                page.append(index)
        return SearchResults(
            hits=tuple(self.entries[i] for i in page),
            total=min(total, count_limit),
            total_is_exact=total <= count_limit,
        )

    def kind_count(self, kind: str) -> int:
        return len(self._by_kind.get(kind, ()))

    def listing(self, kind: str, *, offset: int, limit: int) -> tuple[SearchEntry, ...]:
        """One page of the entities of one kind, in label order."""
        return tuple(self.entries[i] for i in self._by_kind.get(kind, ())[offset : offset + limit])


def fold(text: str) -> str:
    """Case-folded, with runs of whitespace as one space: what searches compare."""
    return " ".join(text.casefold().split())


LISTED_CLASSES = (str(MG.Mitigation), str(MG.Source))
"""Every mitigation and source is listed, even one the graph gives no label or text."""


def read_search_index(reader: GraphReader, *, base: str) -> SearchIndex:
    """Labels and texts of every entity under the base (index lookups by predicate, no query to plan)."""
    labels = _best_values(reader, LABEL_PREDICATES, base=base)
    texts = _best_values(reader, TEXT_PREDICATES, base=base)
    listed = {
        quad.subject.value
        for cls in LISTED_CLASSES
        for quad in reader.store.quads_for_pattern(None, RDF_TYPE, NamedNode(cls), DefaultGraph())
        if isinstance(quad.subject, NamedNode) and quad.subject.value.startswith(base)
    }
    entries = [
        SearchEntry(
            iri=iri,
            label=labels.get(iri) or readable_tail(iri),
            kind=iri[len(base) :].split("/", 1)[0].replace("-", " "),
            text=texts.get(iri, ""),
        )
        for iri in sorted(labels.keys() | texts.keys() | listed)
    ]
    return SearchIndex(entries)


def _best_values(reader: GraphReader, predicates: Sequence[str], *, base: str) -> dict[str, str]:
    """IRI under the base -> its best literal (best_literal) of the first of `predicates` it has one of."""
    found: dict[str, str] = {}
    for predicate in predicates:
        literals: dict[str, list[Literal]] = defaultdict(list)
        for quad in reader.store.quads_for_pattern(None, NamedNode(predicate), None, DefaultGraph()):
            subject, value = quad.subject, quad.object
            if not (isinstance(subject, NamedNode) and isinstance(value, Literal)):
                continue
            if subject.value.startswith(base):
                literals[subject.value].append(value)
        for iri, values in literals.items():
            if iri not in found:
                found[iri] = best_literal(values)
    return found
