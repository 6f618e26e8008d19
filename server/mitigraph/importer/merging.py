"""Merge the listings of a batch into items: one IRI per item, however many pages list it.

Within a source group (see `grouping`), the same title path, code and description listed by several pages
is one item; a page's own record is the item another page lists with the record's text (so it gets that
page's title and code); a parent record's page lists its children without the parent's title (`B` for
`A > B`). Items whose title paths differ only by section numbers, and records whose text matches several
items (or whose cut-off text starts another record's), stay apart and are linked as near duplicates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from mitigraph.importer.errors import WarningKind, WarningLog
from mitigraph.importer.grouping import Content, ItemKey, SourceGroups, content, paragraphs, same_text
from mitigraph.importer.records import ListedItem, ParsedPage, TitlePart
from mitigraph.importer.reference import ReferenceTerms, normalised


@dataclass(frozen=True)
class Placeholder:
    """A parent item named only in a title path `A > B`, listed by no page of the batch."""

    iri: URIRef
    path: tuple[TitlePart, ...]
    parent: URIRef | None


@dataclass(frozen=True)
class Listing:
    """Where a page's own record is listed by another page: that page, the code line and the code."""

    page_id: str
    line: int
    code: str


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
    record_listed: tuple[Listing, ...]
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
    def __init__(self, pages: Sequence[ParsedPage], *, terms: ReferenceTerms, logs: Sequence[WarningLog]):
        self.pages, self.terms, self.logs, self.minter = pages, terms, logs, terms.minter
        self.grouping = SourceGroups(pages, terms=terms, logs=logs)
        self.order, self.sources, self.owners = (
            self.grouping.order,
            self.grouping.sources,
            self.grouping.owners,
        )
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
        for index in self.order:
            for key in self.keys[index]:
                self.by_path.setdefault((key[0], key[1][0]), self.iris[key])
        self.near = self._near_sets()

    def _resolved_keys(self) -> list[list[ItemKey]]:
        """Each listing's key; `B` listed by its parent record's page is the `A > B` other pages list."""
        keys: list[list[ItemKey]] = []
        for index, page in enumerate(self.pages):
            seen: dict[Content, int] = defaultdict(int)
            keys.append([])
            for item in page.items:
                listed = content(item)
                seen[listed] += 1
                keys[-1].append((self.owners[index], listed, seen[listed]))
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
        text = paragraphs([line.text for line in page.head.record_text])
        own = set(self.keys[index])
        listed = self.by_text.get((self.owners[index], text[0]), set()) if text else set()
        candidates = {
            key for other, key in listed if other != index and key not in own and same_text(text, key[1][2])
        }
        described = {c.code for c in self.terms.categories_described_as(page.head.category_description.text)}
        kept = {key for key in candidates if not described or key[1][1] in described}
        if kept != candidates:
            self.logs[index].warn(
                WarningKind.CATEGORY_CONFLICT,
                page.head.category_description.number,
                f"the record's text is listed with code(s) {_codes(candidates - kept)} "
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
        """Items listed under the same title path (section numbers aside), and records whose text matches
        several items or whose cut-off text starts another page's text."""
        same: dict[tuple[str, tuple[str, ...]], set[URIRef]] = defaultdict(set)
        for index, page in enumerate(self.pages):
            for key, item in zip(self.keys[index], page.items, strict=True):
                if item.title:
                    same[(key[0], tuple(normalised(part.label) for part in item.path))].add(self.iris[key])
        for index, page in enumerate(self.pages):
            record = self.minter.page_record(page.page_id)
            matched = {self.iris[key] for key in self.record_candidates[index]}
            if record not in matched:
                same[("record", (page.page_id,))] |= matched | ({record} if matched else set())
            cut = self.grouping.cut_text(page) if page.cut_in_record_text else None
            for text, other in self.grouping.starting_with(cut) if cut else []:
                if other != index and text in paragraphs(
                    [line.text for line in self.pages[other].head.record_text]
                ):
                    same[("cut", (page.page_id,))] |= {
                        record,
                        self.minter.page_record(self.pages[other].page_id),
                    }
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
            Listing(page_id=self.pages[other].page_id, line=item.category.line, code=item.category.code)
            for key in sorted(candidates)
            for other, item in self.listings[key]
            if other != index
        )
        pairs = {(iri, other) for iri in {*items, record} for other in self.near.get(iri, set())}
        source, shown_on = self.sources[index]
        return PageJoin(
            record=record,
            source=source,
            source_shown_on=shown_on,
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


def _codes(keys: set[ItemKey]) -> str:
    return ", ".join(sorted({key[1][1] for key in keys}))
