"""The project's graph built into a store (`built_store`), and the scale-out path for real: an Oxigraph
server (the `oxigraph` package) on a free loopback port, a synthetic graph published into it with
`mitigraph publish`, and `mitigraph serve --sparql-endpoint` over it.

Every server is polled until it answers and stopped (SIGTERM) when the module's tests are done.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from scaleout import MITIGATIONS, oxigraph_command
from tests.support.commands import run_mitigraph
from tests.support.servers import LOOPBACK, RunningServer, free_port, running_server, started


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`oxigraph serve` with an in-memory store, read-write, on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("oxigraph") / "oxigraph.log"
    command = [oxigraph_command(), "serve", "--bind", f"{LOOPBACK}:{port}", "--timeout-s", "30"]
    with started(command, port=port, log_path=log_path, ready_path="/") as server:
        yield server


@pytest.fixture(scope="module")
def synthetic_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.nt"
    result = run_mitigraph("generate", "--mitigations", str(MITIGATIONS), "--output", path, "--seed", "7")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def publication(oxigraph: RunningServer, synthetic_graph: Path) -> subprocess.CompletedProcess[str]:
    """`mitigraph publish` of the synthetic graph: validated, then loaded into the Oxigraph server's default
    graph (its exit code and output)."""
    return run_mitigraph("publish", synthetic_graph, "--endpoint", oxigraph.url, "--replace")


@pytest.fixture(scope="module")
def front(
    oxigraph: RunningServer,
    publication: subprocess.CompletedProcess[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningServer]:
    """`mitigraph serve --sparql-endpoint` over the Oxigraph server, once the graph is published."""
    assert publication.returncode == 0, publication.stderr
    options = ("--workers", "1", "--sparql-endpoint", oxigraph.url + "/query")
    with running_server(*options, log_dir=tmp_path_factory.mktemp("front")) as server:
        yield server


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """`mitigraph build --out out --store store` of the project's graph, in a directory of its own (one per
    test module): the store directory and the triple count `build` reported."""
    work = tmp_path_factory.mktemp("built")
    store = work / "store"
    result = run_mitigraph("build", "--out", work / "out", "--store", store)
    assert result.returncode == 0, result.stderr
    triples = int(result.stdout.split("Built the graph: ", 1)[1].split(" triples", 1)[0])
    return store, triples
