"""`/coverage`: the taxonomy's categories by lifecycle stage (in lifecycle order) and by source document, each
drawn as a heat map with the records that carry no stage (no source), row and column totals; computed when
the site was written (mitigraph.site.coverage), only linked and shaded here."""

from __future__ import annotations

import math

from flask import Blueprint, render_template

from mitigraph.site.labels import shorten
from mitigraph.web.loaded_site import current_site
from mitigraph.web.page_queries import Link
from mitigraph.web.views.kinds import category_link

blueprint = Blueprint("coverage", __name__)

HEAT_LEVELS = 5
"""Shades of the heat map besides the empty cell (CSS classes heat-0 ... heat-5)."""
COLUMN_NAME_CHARACTERS = 36
"""A source's title in a column header is cut here (the header's tooltip and its page have it whole)."""


def heat_level(count: int, maximum: int) -> int:
    return 0 if count == 0 or maximum == 0 else max(1, math.ceil(HEAT_LEVELS * count / maximum))


def column_name(link: Link) -> str:
    """What a column's header shows: the label, cut at a word when long."""
    return shorten(link.label, limit=COLUMN_NAME_CHARACTERS)


@blueprint.get("/coverage")
def coverage() -> str:
    """Both maps as the site holds them, with this server's links to their columns and categories."""
    site = current_site()
    maps = site.figures.coverage
    return render_template(
        "coverage.html",
        stages=maps.stages,
        sources=maps.sources,
        column_links=site.linker.links(
            column.iri for found in (maps.stages, maps.sources) for column in found.columns
        ),
        category_links={row.node.iri: category_link(site, row.node) for row in maps.stages.rows},
        heat_level=heat_level,
        column_name=column_name,
        counts=site.figures.counts,
    )
