"""The real server for every test under tests/server/ (and the pages' tests).

`server` is one shared instance with the default settings; `start_server(*options)` starts another with
its own `mitigraph serve` options and stops it when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from listening import Listener, listening
from serving import RunningServer, running_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The project's graph served with the default settings (two web workers)."""
    with running_server(log_dir=tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start servers with their own options; each is stopped when the test ends."""
    with ExitStack() as stack:

        def start(*options: str) -> RunningServer:
            return stack.enter_context(running_server(*options, log_dir=tmp_path))

        yield start


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30.0) as http:
        yield http


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback listener that counts connections (see listening.py)."""
    with listening() as record:
        yield record
