"""One real server for the page tests, over the page graph (`page_graph.py`): the fixture records with the
ontology, the taxonomy and the facet values, so pages show the labels of what records link to; the fixture
holds a record whose label and text carry markup.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from page_graph import serve_options
from tests.support.servers import RunningServer, running_server


@pytest.fixture(scope="session")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`mitigraph serve` over the page graph, one web worker; one for the whole session."""
    with running_server(*serve_options(), log_dir=tmp_path_factory.mktemp("page-server")) as running:
        yield running


@pytest.fixture(scope="session")
def page_http(page_server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client for `page_server`, with relative URLs."""
    with httpx.Client(base_url=page_server.url, timeout=30) as client:
        yield client
