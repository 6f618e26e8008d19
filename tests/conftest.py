"""Fixtures every test directory may use: the project's graph and the shapes, each loaded once; the
project's graph served by the real server, and a client for it; a headless browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph

from mitigraph.loader import LoadedGraph, load_project, load_shapes
from tests.support.browser import CHROMEDRIVER, CHROMIUM, chromium_installed, headless_chromium
from tests.support.library_logs import quiet_library_logging
from tests.support.servers import RunningServer, running_server


def pytest_configure(config: pytest.Config) -> None:
    quiet_library_logging()


@pytest.fixture(scope="session")
def project() -> LoadedGraph:
    """The published graph (ontology + data), loaded as every command loads it. Do not modify it."""
    return load_project()


@pytest.fixture(scope="session")
def project_graph(project: LoadedGraph) -> Graph:
    """The published graph as an rdflib graph. Do not modify it."""
    return project.graph


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def project_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`mitigraph serve` over the project's graph with the default settings (two web workers), as users
    run it; one for the whole session, so tests must not change its state."""
    with running_server(log_dir=tmp_path_factory.mktemp("project-server")) as running:
        yield running


@pytest.fixture
def http(project_server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client for `project_server`, with relative URLs (`http.get("/sparql", ...)`)."""
    with httpx.Client(base_url=project_server.url, timeout=30.0) as client:
        yield client


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Debian's headless Chromium, driven by selenium through Debian's chromedriver, with a fresh profile."""
    if not chromium_installed():
        pytest.fail(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make system-deps`")
    profile = tmp_path_factory.mktemp("chromium-profile")
    try:
        with headless_chromium(profile) as driver:
            yield driver
    finally:
        shutil.rmtree(profile, ignore_errors=True)
