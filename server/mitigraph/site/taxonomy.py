"""The taxonomy as the pages show it: every category with its parent, children, members in label order and
the counts of its whole subtree, read from the store once, when the site is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mitigraph.site.labels import code_key, readable_tail, shorten
from mitigraph.store import GraphReader


@dataclass(frozen=True)
class CategoryNode:
    iri: str
    code: str
    """The category's code ("1.1.3"), or "" for a provisional category learnt with no confirmed code."""
    name: str
    definition: str
    parent: str | None
    children: tuple[str, ...]
    members: tuple[str, ...]
    """The mitigations classified in this very category, in label order."""
    total: int
    """Mitigations in this category and every category below it."""
    incomplete: int
    """Of `total`, the records whose saved navigator page was cut off (mg:pageIncomplete)."""
    provisional: bool
    """Learnt from imported pages and not yet confirmed by the reference taxonomy (mg:provisional)."""

    @property
    def direct(self) -> int:
        return len(self.members)

    @property
    def title(self) -> str:
        """What pages call it: its name, else the start of its description (a provisional category may
        have no name), never an empty string or "None"."""
        return self.name or shorten(self.definition) or self.code or readable_tail(self.iri)


@dataclass(frozen=True)
class Taxonomy:
    nodes: dict[str, CategoryNode]
    roots: tuple[str, ...]

    def ancestors(self, iri: str) -> list[CategoryNode]:
        """From the top category down to the parent of `iri` (cycles, which shapes forbid, are cut)."""
        chain: list[CategoryNode] = []
        node = self.nodes.get(iri)
        while node is not None and node.parent in self.nodes and len(chain) < len(self.nodes):
            node = self.nodes[node.parent]
            chain.append(node)
        return list(reversed(chain))

    def walk(self, start: str | None = None) -> Iterator[tuple[CategoryNode, int]]:
        """Every category (or `start` and those below it) with its depth, parents before children."""
        if start is not None and start not in self.nodes:
            return
        stack = [(start, 0)] if start is not None else [(iri, 0) for iri in reversed(self.roots)]
        seen: set[str] = set()
        while stack:
            iri, depth = stack.pop()
            if iri in seen:
                continue
            seen.add(iri)
            node = self.nodes[iri]
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(node.children))

    def subtree(self, iri: str) -> list[str]:
        """The category and every category below it, parents first."""
        return [node.iri for node, _ in self.walk(iri)]

    def members(self, iri: str, *, offset: int, limit: int) -> list[tuple[str, str]]:
        """(mitigation, category) for one page of the mitigations in `iri` and below: category by
        category in tree order, each in label order. Whole categories are skipped by their size, so a
        late page costs no more than the first."""
        page: list[tuple[str, str]] = []
        for node, _ in self.walk(iri):
            if offset >= node.direct:
                offset -= node.direct
                continue
            page += [(member, node.iri) for member in node.members[offset : offset + limit - len(page)]]
            offset = 0
            if len(page) >= limit:
                break
        return page


CATEGORIES = """
SELECT ?c (SAMPLE(?code_) AS ?code) (SAMPLE(?name_) AS ?name) (SAMPLE(?definition_) AS ?definition)
       (SAMPLE(?parent_) AS ?parent) (SAMPLE(?provisional_) AS ?provisional)
WHERE {
  ?c a mg:Category .
  OPTIONAL { ?c skos:notation ?code_ }
  OPTIONAL { ?c skos:prefLabel ?name_ }
  OPTIONAL { ?c skos:definition ?definition_ }
  OPTIONAL { ?c mg:subcategoryOf ?parent_ }
  OPTIONAL { ?c mg:provisional ?provisional_ }
} GROUP BY ?c
"""
MEMBERS = """
SELECT ?m ?c (MIN(?label_) AS ?label) WHERE { ?m mg:inCategory ?c OPTIONAL { ?m rdfs:label ?label_ } }
GROUP BY ?m ?c
"""
INCOMPLETE_PER_CATEGORY = """
SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m mg:inCategory ?c ; mg:pageIncomplete true } GROUP BY ?c
"""


def read_taxonomy(reader: GraphReader) -> Taxonomy:
    rows = {row["c"].value: row for row in reader.select(CATEGORIES)}
    members = _members_by_category(reader)
    parents = {iri: row["parent"].value for iri, row in rows.items() if row.get("parent", None) is not None}
    parents = {iri: parent for iri, parent in parents.items() if parent in rows}
    codes = {iri: row["code"].value if "code" in row else "" for iri, row in rows.items()}
    names = {iri: row["name"].value if "name" in row else "" for iri, row in rows.items()}
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)

    def order(iri: str) -> tuple[object, ...]:
        return (code_key(codes[iri]), names[iri].casefold(), iri)

    for siblings in children.values():
        siblings.sort(key=order)
    totals = subtree_totals({iri: len(found) for iri, found in members.items()}, children, set(rows))
    incomplete = subtree_totals(
        {row["c"].value: int(row["n"].value) for row in reader.select(INCOMPLETE_PER_CATEGORY)},
        children,
        set(rows),
    )
    nodes = {
        iri: CategoryNode(
            iri=iri,
            code=codes[iri],
            name=names[iri],
            definition=row["definition"].value if "definition" in row else "",
            parent=parents.get(iri),
            children=tuple(children.get(iri, ())),
            members=members.get(iri, ()),
            total=totals[iri],
            incomplete=incomplete[iri],
            provisional="provisional" in row and row["provisional"].value in ("true", "1"),
        )
        for iri, row in rows.items()
    }
    roots = tuple(sorted((iri for iri in rows if iri not in parents), key=order))
    return Taxonomy(nodes=nodes, roots=roots)


def _members_by_category(reader: GraphReader) -> dict[str, tuple[str, ...]]:
    labelled: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in reader.select(MEMBERS):
        label = row["label"].value if "label" in row else readable_tail(row["m"].value)
        labelled[row["c"].value].append((label.casefold(), row["m"].value))
    return {category: tuple(iri for _, iri in sorted(found)) for category, found in labelled.items()}


def subtree_totals(
    direct: Mapping[str, int], children: Mapping[str, list[str]], known: set[str]
) -> dict[str, int]:
    """Counts including every subcategory, each computed once (memoised, iterative: no recursion limit)."""
    totals: dict[str, int] = {}
    for start in known:
        stack = [(start, False)]
        while stack:
            iri, expanded = stack.pop()
            if iri in totals:
                continue
            if expanded:
                totals[iri] = direct.get(iri, 0) + sum(
                    totals.get(child, 0) for child in children.get(iri, ())
                )
            else:
                stack.append((iri, True))
                stack.extend((child, False) for child in children.get(iri, ()) if child not in totals)
    return totals
