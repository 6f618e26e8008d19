"""Fixtures for the server tests: servers with options of their own, the project's graph in an on-disk store
(for query pools), and a loopback listener.

The project's graph served with the default settings is `project_server` (and `http`, a client for it),
from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pyoxigraph import Store
from tests.support.listening import Listener, listening
from tests.support.servers import RunningServer, running_server

from mitigraph.loader import LoadedGraph
from mitigraph.store import fill_store


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start servers with their own `mitigraph serve` options; each is stopped when the test ends."""
    with ExitStack() as stack:

        def start(*options: str) -> RunningServer:
            return stack.enter_context(running_server(*options, log_dir=tmp_path))

        yield start


@pytest.fixture(scope="module")
def store_dir(project: LoadedGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's graph in an on-disk store, as a query pool opens it; one per test module."""
    directory = tmp_path_factory.mktemp("store") / "store"
    store = fill_store(Store(str(directory)), project.graph)
    store.flush()
    return directory


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback listener that counts the connections made to it."""
    with listening() as record:
        yield record
