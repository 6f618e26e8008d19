"""Learn the taxonomy from a batch of pages, with evidence, inventing nothing.

A page shows its record's category by description and parent name (`Also in`), never by code; code lines
show codes and names. The batch is joined (see `merging`) so that a page's record is found as an item that
another page lists with its code: the page's description then belongs to that code, and its `Also in` name to
the code's parent. When a parent's children are all known (as many child codes as descriptions) and one
code and one description are left over, the description is placed there by elimination. What cannot be
placed becomes a category known only by its description, under its `Also in` parent, with no code.

Every learnt fact keeps the pages and lines it was learnt from, and stays provisional until a second page
shows it. Nothing the reference taxonomy states is overridden: a page that disagrees raises a warning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from rdflib import URIRef

from mitigraph.importer.merging import PageJoin
from mitigraph.importer.records import ParsedPage
from mitigraph.importer.taxonomy import (
    Evidence,
    Fact,
    KnownCategory,
    LearntCategory,
    LearntTaxonomy,
    ReferenceTerms,
    parent_code,
)
from mitigraph.importer.text import WarningKind, WarningLog, normalised


def learn_taxonomy(
    pages: Sequence[ParsedPage],
    joins: Sequence[PageJoin],
    *,
    terms: ReferenceTerms,
    logs: Sequence[WarningLog],
) -> LearntTaxonomy:
    learner = _Learner(pages, joins, terms=terms, logs=logs)
    learner.learn_codes_and_names()
    learner.learn_descriptions()
    learner.learn_parent_names()
    learner.place_by_elimination()
    records = learner.record_categories()
    learner.report()
    return LearntTaxonomy(categories=learner.categories, record_categories=records)


class _Learner:
    def __init__(
        self,
        pages: Sequence[ParsedPage],
        joins: Sequence[PageJoin],
        *,
        terms: ReferenceTerms,
        logs: Sequence[WarningLog],
    ) -> None:
        self.pages, self.joins, self.terms, self.logs = pages, joins, terms, logs
        self.minter = terms.minter
        self.order = sorted(range(len(pages)), key=lambda i: pages[i].page_id)
        self.categories: dict[URIRef, LearntCategory] = {}
        self.placed: dict[str, str] = {}
        """Normalised description -> code, for descriptions placed by the join or by elimination."""
        for known in terms.categories():
            self.category(known.code)

    def category(self, code: str) -> LearntCategory:
        iri = self.minter.category(code)
        if iri not in self.categories:
            up = parent_code(code)
            parent = self.category(up).iri if up is not None else None
            self.categories[iri] = LearntCategory(
                iri=iri, code=code, parent=parent, known=self.terms.category(code)
            )
        return self.categories[iri]

    def learn_codes_and_names(self) -> None:
        """Every code a code line shows (and its ancestors) is a category; its name is the one shown."""
        names: dict[str, Counter[str]] = defaultdict(Counter)
        seen: dict[str, list[Evidence]] = defaultdict(list)
        for index in self.order:
            page = self.pages[index]
            for item in page.items:
                mention = item.category
                shown = f"code line {mention.code} {mention.name or ''}".strip()
                seen[mention.code].append(Evidence(page.page_id, mention.line, shown))
                if mention.name:
                    names[mention.code][mention.name] += 1
        for code in sorted(seen, key=_code_order):
            category = self.category(code)
            if category.known is None:
                category.code_fact = _fact(code, seen[code])
            for ancestor in self._ancestors(category):
                if ancestor.known is None and ancestor.code_fact is None:
                    first = seen[code][0]
                    implied = Evidence(first.page_id, first.line, f"implied by code {code}")
                    ancestor.code_fact = Fact(ancestor.code or "", [implied])
            if names[code] and not (category.known and category.known.name):
                name, _ = names[code].most_common(1)[0]
                category.name = _fact(name, [e for e in seen[code] if e.shows.endswith(name)])
                if len(names[code]) > 1:
                    self._warn_first(
                        seen[code],
                        f"code {code} is shown with names {sorted(names[code])}; "
                        f"{name!r} (shown most often) is kept",
                    )

    def _ancestors(self, category: LearntCategory) -> list[LearntCategory]:
        chain = []
        while category.parent is not None:
            category = self.categories[category.parent]
            chain.append(category)
        return chain

    def learn_descriptions(self) -> None:
        """A page whose record another page lists with code K shows the description of K."""
        shown: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
        for index in self.order:
            page, join = self.pages[index], self.joins[index]
            description = page.head.category_description
            if self.terms.categories_described_as(description.text) or len(join.record_codes) != 1:
                continue
            (code,) = join.record_codes
            described = Evidence(page.page_id, description.number, "the description of its record's category")
            shown[code][description.text].extend((described, *join.record_listed))
        for code, descriptions in sorted(shown.items()):
            category = self.category(code)
            ranked = sorted(descriptions.items(), key=lambda kv: (-len(_showing(kv[1])), kv[0]))
            text, evidence = ranked[0]
            if category.known is not None and category.known.definition:
                self._warn_first(
                    evidence,
                    f"pages place the description {text!r} at {code}, whose reference "
                    "description differs: not learnt",
                )
                continue
            category.definition = _fact(text, evidence, shown_by=_showing(evidence))
            self.placed[normalised(text)] = code
            for other, more in ranked[1:]:
                self._warn_first(
                    more,
                    f"code {code} is also joined to the description {other!r}; "
                    f"{text!r} is kept, the other stays unplaced",
                )

    def learn_parent_names(self) -> None:
        """`Also in <name>` names the parent of the record's category."""
        for index in self.order:
            page = self.pages[index]
            name = page.head.also_in_name
            code = self._placed_code(index)
            up = parent_code(code) if code is not None else None
            if name is None or up is None or page.head.also_in is None:
                continue
            parent = self.category(up)
            evidence = Evidence(
                page.page_id, page.head.also_in.number, f"'Also in {name}' for a record in {code}"
            )
            if parent.name_text is None:
                parent.name = Fact(name)
            if parent.name is not None and normalised(parent.name.value) == normalised(name):
                parent.name.evidence.append(evidence)
                parent.name.shown_by.add(page.page_id)
            elif parent.name_text is not None and normalised(parent.name_text) != normalised(name):
                self._warn_first(
                    [evidence],
                    f"'Also in {name}', but the parent {up} of {code} is named {parent.name_text!r}",
                )

    def _placed_code(self, index: int) -> str | None:
        description = self.pages[index].head.category_description.text
        known = self._known_for(index)
        if known is not None:
            return known.code
        return self.placed.get(normalised(description))

    def _known_for(self, index: int) -> KnownCategory | None:
        head = self.pages[index].head
        candidates = self.terms.categories_described_as(head.category_description.text)
        if head.also_in_name is not None and len(candidates) > 1:
            candidates = [
                c for c in candidates if self._parent_named(c.code, head.also_in_name)
            ] or candidates
        return candidates[0] if candidates else None

    def _parent_named(self, code: str, name: str) -> bool:
        up = parent_code(code)
        named = self.category(up).name_text if up is not None else None
        return named is not None and normalised(named) == normalised(name)

    def _parent_code_named(self, name: str | None) -> str | None:
        if name is None:
            return None
        codes = sorted(
            c.code
            for c in self.categories.values()
            if c.code and c.name_text and normalised(c.name_text) == normalised(name)
        )
        return codes[0] if len(codes) == 1 else None

    def place_by_elimination(self) -> None:
        """Under a parent whose child codes and descriptions are all seen but one of each: pair those two.

        The child codes count as all seen when they run 1, 2, ... n without a gap (a gap is a code no page
        showed; an `Other` child, the navigator's catch-all `.9`, may follow the run).
        """
        unplaced: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
        for index in self.order:
            page = self.pages[index]
            up = self._parent_code_named(page.head.also_in_name)
            if up is None or self._placed_code(index) is not None:
                continue
            line = page.head.category_description
            unplaced[up][line.text].append(
                Evidence(page.page_id, line.number, "the description of its record's category")
            )
        for up, descriptions in sorted(unplaced.items()):
            children = [c for c in self.categories.values() if c.code and parent_code(c.code) == up]
            without = [c for c in children if c.definition_text is None]
            if len(without) != 1 or len(descriptions) != 1 or not _no_gap(children):
                continue
            ((text, evidence),) = descriptions.items()
            child = without[0]
            note = Evidence(
                evidence[0].page_id,
                evidence[0].line,
                f"by elimination: {child.code} is the only child of {up} without a description, "
                "this the only description under it without a code",
            )
            child.definition = Fact(text, [*evidence, note], _showing(evidence), by_elimination=True)
            self.placed[normalised(text)] = child.code or ""

    def record_categories(self) -> tuple[URIRef, ...]:
        records = []
        for index in range(len(self.pages)):
            code = self._placed_code(index)
            records.append(self.category(code).iri if code is not None else self._unplaced(index))
        return tuple(records)

    def _unplaced(self, index: int) -> URIRef:
        page = self.pages[index]
        head = page.head
        up = self._parent_code_named(head.also_in_name)
        iri = self.minter.unplaced_category(head.category_description.text, up)
        shown = Evidence(
            page.page_id, head.category_description.number, "the description of its record's category"
        )
        if iri not in self.categories:
            parent = self.category(up).iri if up is not None else None
            self.categories[iri] = LearntCategory(
                iri=iri, code=None, parent=parent, definition=Fact(head.category_description.text)
            )
            if head.also_in_name is not None and up is None:
                self.logs[index].warn(
                    WarningKind.CATEGORY_UNPLACED,
                    head.also_in.number if head.also_in else None,
                    f"'Also in {head.also_in_name}' names no category known by that name: "
                    "the record's category is placed at the top of the taxonomy",
                )
        category = self.categories[iri]
        assert category.definition is not None
        category.definition.evidence.append(shown)
        category.definition.shown_by.add(page.page_id)
        if head.also_in is not None and up is not None:
            if category.parent_fact is None:
                category.parent_fact = Fact(up)
            category.parent_fact.evidence.append(
                Evidence(page.page_id, head.also_in.number, f"'Also in {head.also_in_name}'")
            )
            category.parent_fact.shown_by.add(page.page_id)
        return iri

    def report(self) -> None:
        """One warning per learnt category, on the first page that shows it."""
        for category in sorted(
            self.categories.values(), key=lambda c: (c.code is None, _code_order(c.code or ""), str(c.iri))
        ):
            facts = [
                ("description" if what == "definition" else what, fact)
                for what, fact in category.facts()
                if what != "parent"
            ]
            if not facts:
                continue
            first = min((e for _, fact in facts for e in fact.evidence), key=lambda e: (e.page_id, e.line))
            learnt = ", ".join(
                f"{what} ({'provisional' if fact.provisional else 'confirmed'})" for what, fact in facts
            )
            if category.code is None:
                kind, shown = (
                    WarningKind.CATEGORY_UNPLACED,
                    f"category described as {category.definition_text!r}",
                )
                learnt += f": no page shows its code; kept under {self._parent_label(category)} with no code"
            else:
                kind, shown = (
                    WarningKind.CATEGORY_LEARNT,
                    f"category {category.code} {category.name_text or ''}".strip(),
                )
            self._warn_at(first, kind, f"learnt {shown}: {learnt}")

    def _parent_label(self, category: LearntCategory) -> str:
        if category.parent is None:
            return "the top of the taxonomy"
        parent = self.categories[category.parent]
        return f"{parent.code} {parent.name_text or ''}".strip()

    def _warn_first(self, evidence: Sequence[Evidence], message: str) -> None:
        first = min(evidence, key=lambda e: (e.page_id, e.line))
        self._warn_at(first, WarningKind.CATEGORY_CONFLICT, message)

    def _warn_at(self, evidence: Evidence, kind: WarningKind, message: str) -> None:
        """A warning on the page and line of `evidence`."""
        index = next(i for i in self.order if self.pages[i].page_id == evidence.page_id)
        self.logs[index].warn(kind, evidence.line, message)


def _fact(value: str, evidence: Sequence[Evidence], shown_by: set[str] | None = None) -> Fact:
    return Fact(value, list(evidence), shown_by if shown_by is not None else {e.page_id for e in evidence})


def _showing(evidence: Sequence[Evidence]) -> set[str]:
    """The pages that show a description themselves (not those that list the record elsewhere)."""
    return {e.page_id for e in evidence if e.shows.startswith("the description")}


def _no_gap(children: Sequence[LearntCategory]) -> bool:
    numbered = {
        int(child.code.rsplit(".", 1)[-1])
        for child in children
        if child.code and (child.name_text or "").casefold() != "other"
    }
    return numbered == set(range(1, len(numbered) + 1))


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
