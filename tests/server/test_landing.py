"""The YASGUI page and service description are built from rdflib-endpoint without touching its globals."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import CUSTOM_EVALS

from mitigraph.examples import example_queries
from mitigraph.settings import Settings
from mitigraph.web.app import build_landing, local_yasgui_assets


def test_building_the_landing_leaves_rdflibs_custom_evals_alone() -> None:
    before = dict(CUSTOM_EVALS)
    landing = build_landing(Settings(), examples=example_queries(), triples=1)
    assert dict(CUSTOM_EVALS) == before
    assert "unpkg" not in landing.yasgui_html


def test_a_page_that_still_loads_from_a_cdn_is_refused() -> None:
    page = '<script src="https://cdn.example.org/yasgui.min.js"></script>'
    with pytest.raises(RuntimeError, match="another site"):
        local_yasgui_assets(page)
