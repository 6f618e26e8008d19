"""One real server for the page tests, started by the shared helper in tests/server/serving.py.

It serves the page fixture graph together with the ontology, the taxonomy and the facet values, so pages
show the labels of what records link to; the fixture holds a record whose label and text carry markup.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

SHARED_SERVER_HELPERS = Path(__file__).resolve().parent.parent / "server"

if str(SHARED_SERVER_HELPERS) not in sys.path:
    sys.path.insert(0, str(SHARED_SERVER_HELPERS))

from page_graph import serve_options  # noqa: E402
from serving import running_server  # noqa: E402  (the shared helper lives beside the server tests)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(*serve_options(), log_dir=tmp_path_factory.mktemp("pages-server")) as running:
        yield running.url


@pytest.fixture(scope="session")
def client(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as http:
        yield http
