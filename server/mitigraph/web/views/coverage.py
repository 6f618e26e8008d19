"""`/coverage`: the taxonomy's categories by lifecycle stage (in lifecycle order) and by source document, each
drawn as a heat map with the records that carry no stage (no source), row and column totals; computed when
the site was written (mitigraph.site.coverage), only labelled here."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Blueprint, render_template

from mitigraph.site.coverage import CategoryMap
from mitigraph.site.labels import shorten
from mitigraph.web.loaded_site import Site, current_site
from mitigraph.web.page_queries import Link
from mitigraph.web.views.kinds import category_link

blueprint = Blueprint("coverage", __name__)

HEAT_LEVELS = 5
"""Shades of the heat map besides the empty cell (CSS classes heat-0 ... heat-5)."""
COLUMN_NAME_CHARACTERS = 36
"""A source's title in a column header is cut here (the header's tooltip and its page have it whole)."""


@dataclass(frozen=True)
class ShownColumn:
    link: Link
    name: str
    """What the header shows: the label, cut at a word when long."""
    total: int


@dataclass(frozen=True)
class ShownRow:
    category: Link
    depth: int
    cells: list[tuple[int, int]]
    """(count, heat level) for each column."""
    missing: int
    spread: int
    total: int


@dataclass(frozen=True)
class ShownMap:
    columns: list[ShownColumn]
    rows: list[ShownRow]
    maximum: int
    missing: int
    classified: int
    all_columns: int


def heat_level(count: int, maximum: int) -> int:
    return 0 if count == 0 or maximum == 0 else max(1, math.ceil(HEAT_LEVELS * count / maximum))


@blueprint.get("/coverage")
def coverage() -> str:
    site = current_site()
    maps = site.figures.coverage
    return render_template(
        "coverage.html",
        stages=shown(site, maps.stages),
        sources=shown(site, maps.sources),
        counts=site.figures.counts,
    )


def shown(site: Site, found: CategoryMap) -> ShownMap:
    """A map with this server's links and labels, names cut to fit their headers."""
    links = site.linker.links(column.iri for column in found.columns)
    columns = [
        ShownColumn(
            link=links[column.iri],
            name=shorten(links[column.iri].label, limit=COLUMN_NAME_CHARACTERS),
            total=column.total,
        )
        for column in found.columns
    ]
    rows = [
        ShownRow(
            category=category_link(site, row.node),
            depth=row.depth,
            cells=[(count, heat_level(count, found.maximum)) for count in row.counts],
            missing=row.missing,
            spread=row.spread,
            total=row.node.total,
        )
        for row in found.rows
    ]
    return ShownMap(
        columns=columns,
        rows=rows,
        maximum=found.maximum,
        missing=found.missing,
        classified=found.classified,
        all_columns=found.all_columns,
    )
