"""Merge the pages of a batch: group them by source, then give each item one IRI however many pages list it.

A page lists the other records of its record's source, in the same order on every page of that source: two
pages belong together when they list one distinctive item (a title path `A > B` or a long text), two items in
a row, a text one shows as its record's text, one source title, or a text that the other's cut-off line
starts. A group's source is the one source block its pages show, if exactly one; never a guess.

Within a group the same title path, code and description listed by several pages is one item; a page's own
record is the item another page lists with its text (so it gets that title and code); a parent record's page
lists its children without its title (`B` for `A > B`). Items whose title paths differ only by section
numbers, and records whose text matches several items or whose cut-off text starts another record's, stay
apart, linked as near duplicates.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise, takewhile

from rdflib import URIRef

from mitigraph.importer.layout import cut_text
from mitigraph.importer.records import Content, ListedItem, ParsedPage, TitlePart
from mitigraph.importer.taxonomy import Evidence, ReferenceTerms
from mitigraph.importer.text import MIN_JOIN_TEXT, WarningKind, WarningLog, normalised, paragraphs, same_text
from mitigraph.iris import slugify

ItemKey = tuple[str, Content, int]
"""An item of the batch: its owner (source or anchor page), what is listed, its rank among equal listings."""


@dataclass(frozen=True)
class Placeholder:
    """A parent item named only in a title path `A > B`, listed by no page of the batch."""

    iri: URIRef
    path: tuple[TitlePart, ...]
    parent: URIRef | None


@dataclass(frozen=True)
class PageJoin:
    """What the batch says about one page, beyond what the page shows."""

    record: URIRef
    source: URIRef | None
    source_shown_on: tuple[str, ...]
    items: tuple[URIRef, ...]
    items_are_records: tuple[bool, ...]
    """For each item: True when it is another page's own record (whose page states its text and category)."""
    parents: tuple[URIRef | None, ...]
    placeholders: tuple[Placeholder, ...]
    near_duplicates: tuple[tuple[URIRef, URIRef], ...]
    record_listed: tuple[Evidence, ...]
    """Where other pages list the record: each page's code line, showing the code it is listed with."""
    record_codes: frozenset[str]
    """The code the record is listed with, when every listing of its text agrees (else empty)."""
    record_titled: bool
    """True when another page lists the record under a title (which that page's graph states)."""


def join_batch(
    pages: Sequence[ParsedPage], *, terms: ReferenceTerms, logs: Sequence[WarningLog]
) -> tuple[PageJoin, ...]:
    """The join of every page of the batch (pages in any order; the result follows their order)."""
    batch = _Batch(pages, terms=terms, logs=logs)
    return tuple(batch.join(index) for index in range(len(pages)))


class _Batch:
    """The batch's pages grouped by source (each page's source and owner), then its items resolved."""

    def __init__(self, pages: Sequence[ParsedPage], *, terms: ReferenceTerms, logs: Sequence[WarningLog]):
        self.pages, self.terms, self.logs, self.minter = pages, terms, logs, terms.minter
        self.order = sorted(range(len(pages)), key=lambda i: pages[i].page_id)
        self.texts = self._join_texts()
        self.group = _groups(len(pages), self._joined())
        self.members: dict[int, list[int]] = defaultdict(list)  # the pages of each group, by page id
        for index in self.order:
            self.members[self.group[index]].append(index)
        self.sources = [self._source(i) for i in range(len(pages))]
        self.owners = [self._owner(i) for i in range(len(pages))]
        self.keys = self._resolved_keys()
        self.by_text: dict[tuple[str, str], set[tuple[int, ItemKey]]] = defaultdict(set)
        self.listings: dict[ItemKey, list[tuple[int, ListedItem]]] = defaultdict(list)
        for index in self.order:
            for key, item in zip(self.keys[index], pages[index].items, strict=True):
                self.listings[key].append((index, item))
                if key[1][2]:
                    self.by_text[(key[0], key[1][2][0])].add((index, key))
        self.record_candidates = [self._record_candidates(i) for i in range(len(pages))]
        self.record_items = self._claimed_items()
        self.iris = self._item_iris()
        self.by_path: dict[tuple[str, tuple[str, ...]], URIRef] = {}
        for key in (key for index in self.order for key in self.keys[index]):
            self.by_path.setdefault((key[0], key[1][0]), self.iris[key])
        self.near = self._near_sets()

    def _join_texts(self) -> list[tuple[str, int]]:
        """Every distinctive text of the batch and its page, sorted, so that a cut-off start finds it."""
        texts = set()
        for index, page in enumerate(self.pages):
            for item in page.items:
                texts |= {
                    (normalised(item.title), index),
                    *((text, index) for text in paragraphs(item.description)),
                }
            texts |= {(text, index) for text in page.record_paragraphs}
            if page.source is not None:
                texts.add((normalised(page.source.title), index))
        return sorted(text for text in texts if len(text[0]) >= MIN_JOIN_TEXT)

    def starting_with(self, start: str) -> list[tuple[str, int]]:
        """The batch's distinctive texts that start with `start`, each with its page."""
        following = self.texts[bisect_left(self.texts, (start, -1)) :]
        return list(takewhile(lambda entry: entry[0].startswith(start), following))

    def _joined(self) -> Iterable[list[int]]:
        """The pages that show each distinctive listing, pair of listings, title or text."""
        joined: dict[object, list[int]] = defaultdict(list)
        for index in self.order:
            page = self.pages[index]
            listed = [item.content for item in page.items]
            for item, one in zip(page.items, listed, strict=True):
                if len(one[0]) > 1 or sum(map(len, one[2])) >= MIN_JOIN_TEXT:
                    joined[one].append(index)
                if len(item.path) > 1 or len(item.title) >= MIN_JOIN_TEXT:
                    joined[("title", normalised(item.title))].append(index)
            for pair in pairwise(listed):
                joined[pair].append(index)
            for text in (page.source.title if page.source else None, page.tail.text if page.tail else None):
                if text:
                    joined[("title", normalised(text))].append(index)
            cut = cut_text(page, self.terms)
            if cut is not None:
                joined[("cut", index)] = [index, *(found for _, found in self.starting_with(cut))]
        for text, index in self.texts:
            joined[("text", text)].append(index)
        return joined.values()

    def _source(self, index: int) -> tuple[URIRef | None, tuple[str, ...]]:
        """The page's source IRI and, when the page does not show it, the pages of its group that do."""
        page = self.pages[index]
        if page.source is not None:
            return self.minter.source(page.source.title), ()
        shown = [self.pages[i] for i in self.members[self.group[index]] if self.pages[i].source]
        titles = {normalised(other.source.title) for other in shown if other.source}
        if len(titles) == 1 and shown[0].source is not None:
            return self.minter.source(shown[0].source.title), tuple(other.page_id for other in shown)
        if titles:
            self.logs[index].warn(
                WarningKind.NO_SOURCE,
                None,
                f"pages listing the same items show {len(titles)} different sources "
                f"({', '.join(other.page_id for other in shown[:4])}): none is chosen",
            )
        return None, ()

    def _owner(self, index: int) -> str:
        """Whose items the page lists, for item IRIs: its source, else the first page of its group."""
        source = self.sources[index][0]
        if source is not None:
            return str(source).rsplit("/", 1)[-1]
        return f"page-{slugify(self.pages[self.members[self.group[index]][0]].page_id)}"

    def _resolved_keys(self) -> list[list[ItemKey]]:
        """Each listing's key; `B` listed by its parent record's page is the `A > B` other pages list."""
        keys: list[list[ItemKey]] = []
        for index, page in enumerate(self.pages):
            seen: dict[Content, int] = defaultdict(int)
            keys.append([])
            for item in page.items:
                seen[item.content] += 1
                keys[-1].append((self.owners[index], item.content, seen[item.content]))
        nested: dict[tuple[str, str, str, tuple[str, ...], int], set[ItemKey]] = defaultdict(set)
        for key in (key for page_keys in keys for key in page_keys if len(key[1][0]) > 1):
            owner, (path, code, text), k = key
            nested[(owner, path[-1], code, text, k)].add(key)
        for page_keys in keys:
            for number, (owner, (path, code, text), k) in enumerate(page_keys):
                found = nested.get((owner, path[-1], code, text, k), set())
                if len(path) == 1 and len(found) == 1:
                    page_keys[number] = next(iter(found))
        return keys

    def _record_candidates(self, index: int) -> set[ItemKey]:
        """The items other pages list with this page's record text (and a code its description allows)."""
        page = self.pages[index]
        text = page.record_paragraphs
        own = set(self.keys[index])
        listed = self.by_text.get((self.owners[index], text[0]), set()) if text else set()
        candidates = {
            key for other, key in listed if other != index and key not in own and same_text(text, key[1][2])
        }
        described = {c.code for c in self.terms.categories_described_as(page.head.category_description.text)}
        kept = {key for key in candidates if not described or key[1][1] in described}
        if kept != candidates:
            codes = ", ".join(sorted({key[1][1] for key in candidates - kept}))
            self.logs[index].warn(
                WarningKind.CATEGORY_CONFLICT,
                page.head.category_description.number,
                f"the record's text is listed with code(s) {codes} "
                f"but its category description is {', '.join(sorted(described))}'s: not joined",
            )
        return kept

    def _claimed_items(self) -> dict[ItemKey, int]:
        """Items that are a page's own record: the record's text matches that one item and no other."""
        claimed: dict[ItemKey, int] = {}
        for index in self.order:
            candidates = self.record_candidates[index]
            if len(candidates) == 1 and next(iter(candidates)) not in claimed:
                claimed[next(iter(candidates))] = index
            elif candidates:
                self.logs[index].warn(
                    WarningKind.SAME_RECORD,
                    self.pages[index].head.record_text[0].number,
                    f"the record's text is listed as {len(candidates)} items (or as another page's record): "
                    "kept apart from them, linked as near duplicates",
                )
        return claimed

    def _item_iris(self) -> dict[ItemKey, URIRef]:
        """A claimed item is its page's record; others are named by owner and title path, in page order."""
        first: dict[ItemKey, tuple[TitlePart, ...]] = {}
        for index in self.order:
            for key, item in zip(self.keys[index], self.pages[index].items, strict=True):
                first.setdefault(key, item.path)
        iris: dict[ItemKey, URIRef] = {}
        by_base: dict[URIRef, list[ItemKey]] = defaultdict(list)
        for key, path in first.items():
            if key in self.record_items:
                iris[key] = self.minter.page_record(self.pages[self.record_items[key]].page_id)
            else:
                by_base[self._base(key[0], path)].append(key)
        for base, keys in by_base.items():
            for occurrence, key in enumerate(keys, start=1):
                iris[key] = base if occurrence == 1 else URIRef(f"{base}--{occurrence}")
        return iris

    def _base(self, owner: str, path: Sequence[TitlePart]) -> URIRef:
        return self.minter.listed_item_of(owner, [part.written for part in path])

    def _near_sets(self) -> dict[URIRef, set[URIRef]]:
        """Near duplicates: items of one title path (but for section numbers), records of several matches."""
        same: dict[tuple[str, tuple[str, ...]], set[URIRef]] = defaultdict(set)
        for index, page in enumerate(self.pages):
            for key, item in zip(self.keys[index], page.items, strict=True):
                if item.title:
                    same[(key[0], tuple(normalised(part.label) for part in item.path))].add(self.iris[key])
            record = self.minter.page_record(page.page_id)
            matched = {self.iris[key] for key in self.record_candidates[index]}
            if record not in matched:
                same[("record", (page.page_id,))] |= matched | ({record} if matched else set())
            cut = cut_text(page, self.terms) if page.cut_in_record_text else None
            for text, other in self.starting_with(cut) if cut else []:
                if other != index and text in self.pages[other].record_paragraphs:
                    other_record = self.minter.page_record(self.pages[other].page_id)
                    same[("cut", (page.page_id,))] |= {record, other_record}
        near: dict[URIRef, set[URIRef]] = defaultdict(set)
        for iris in same.values():
            for iri in iris:
                near[iri] |= iris - {iri}
        return near

    def join(self, index: int) -> PageJoin:
        page = self.pages[index]
        keys = self.keys[index]
        items = tuple(self.iris[key] for key in keys)
        placeholders: dict[URIRef, Placeholder] = {}
        parents = tuple(
            self._parent(index, number, item.path[:-1], placeholders) if len(item.path) > 1 else None
            for number, item in enumerate(page.items)
        )
        record = self.minter.page_record(page.page_id)
        candidates = self.record_candidates[index]
        codes = frozenset(key[1][1] for key in candidates)
        listed = tuple(
            Evidence(
                self.pages[other].page_id,
                item.category.line,
                f"that record listed with code {item.category.code}",
            )
            for key in sorted(candidates)
            for other, item in self.listings[key]
            if other != index
        )
        pairs = {(iri, other) for iri in {*items, record} for other in self.near.get(iri, set())}
        return PageJoin(
            record=record,
            source=self.sources[index][0],
            source_shown_on=self.sources[index][1],
            items=items,
            items_are_records=tuple(key in self.record_items for key in keys),
            parents=parents,
            placeholders=tuple(placeholders.values()),
            near_duplicates=tuple(sorted(pairs)),
            record_listed=listed,
            record_codes=codes if len(codes) == 1 else frozenset(),
            record_titled=any(self.iris[key] == record and key[1][0][-1] for key in candidates),
        )

    def _parent(
        self, index: int, number: int, path: tuple[TitlePart, ...], placeholders: dict[URIRef, Placeholder]
    ) -> URIRef:
        """The listing of `path` nearest before item `number` on its page, else after it, else on another
        page of the same source, else a placeholder."""
        wanted = tuple(normalised(part.written) for part in path)
        keys = self.keys[index]
        same_page = [n for n, key in enumerate(keys) if key[1][0] == wanted]
        before = [n for n in same_page if n < number]
        if same_page:
            return self.iris[keys[before[-1] if before else same_page[0]]]
        owner = self.owners[index]
        if (owner, wanted) in self.by_path:
            return self.by_path[(owner, wanted)]
        iri = self._base(owner, path)
        if iri not in placeholders:
            grand = self._parent(index, number, path[:-1], placeholders) if len(path) > 1 else None
            placeholders[iri] = Placeholder(iri=iri, path=path, parent=grand)
            self.logs[index].warn(
                WarningKind.PLACEHOLDER,
                self.pages[index].items[number].title_line,
                f"{path[-1].label!r} is not listed, only named in a title path: created as a placeholder",
            )
        return iri


def _groups(size: int, joined: Iterable[Sequence[int]]) -> list[int]:
    """For each page index, the smallest index of its group: pages that share a listing join (union-find)."""
    parent = list(range(size))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]  # path halving
            index = parent[index]
        return index

    for indexes in joined:
        for one, other in pairwise(indexes):
            first, second = sorted((root(one), root(other)))
            parent[second] = first
    return [root(index) for index in range(size)]
