"""`/coverage`: the category x lifecycle-stage matrix of counts, drawn as a heat map, with the records each
category holds that carry no stage (most items a page only lists) and its total, from the site cache."""

from __future__ import annotations

import math

from flask import Blueprint, render_template

from mitigraph.web.loaded_site import current_site
from mitigraph.web.views.kinds import category_link

blueprint = Blueprint("coverage", __name__)

HEAT_LEVELS = 5
"""Shades of the heat map besides the empty cell (CSS classes heat-0 ... heat-5)."""


def heat_level(count: int, maximum: int) -> int:
    return 0 if count == 0 or maximum == 0 else max(1, math.ceil(HEAT_LEVELS * count / maximum))


@blueprint.get("/coverage")
def coverage() -> str:
    site = current_site()
    matrix = site.figures.coverage
    rows = [
        (
            category_link(site, row.node),
            row.depth,
            [(count, heat_level(count, matrix.maximum)) for count in row.counts],
            row.unstaged,
            row.node.total,
        )
        for row in matrix.rows
    ]
    links = site.linker.links(stage.iri for stage in matrix.stages)
    return render_template(
        "coverage.html",
        stages=[links[stage.iri] for stage in matrix.stages],
        rows=rows,
        maximum=matrix.maximum,
        counts=site.figures.counts,
    )
