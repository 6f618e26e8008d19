"""The scale-out path for real: an Oxigraph server (the `oxigraph` package) on a free loopback port, a
synthetic graph published into it with `mitigraph publish`, and `mitigraph serve --sparql-endpoint` over it.

Every process is polled until it answers and stopped (SIGTERM) when the module's tests are done.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from scaleout import (
    LOOPBACK,
    MITIGATIONS,
    MITIGRAPH,
    Process,
    free_port,
    mitigraph,
    oxigraph_command,
    started,
    wait_until,
)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    """`oxigraph serve` with an in-memory store, read-write, on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("oxigraph") / "oxigraph.log"
    command = [oxigraph_command(), "serve", "--bind", f"{LOOPBACK}:{port}", "--timeout-s", "30"]
    with started(command, port=port, log_path=log_path) as process:
        wait_until(lambda client: client.get(process.url + "/").status_code == 200, process)
        yield process


@pytest.fixture(scope="module")
def synthetic_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.nt"
    result = mitigraph("generate", "--mitigations", str(MITIGATIONS), "--output", str(path), "--seed", "7")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def published(oxigraph: Process, synthetic_graph: Path) -> subprocess.CompletedProcess[str]:
    """The synthetic graph, validated and loaded into the Oxigraph server's default graph."""
    return mitigraph("publish", str(synthetic_graph), "--endpoint", oxigraph.url, "--replace")


@pytest.fixture(scope="module")
def front(
    oxigraph: Process, published: subprocess.CompletedProcess[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    """`mitigraph serve --sparql-endpoint` over the Oxigraph server, once the graph is published."""
    assert published.returncode == 0, published.stderr
    port = free_port()
    log_path = tmp_path_factory.mktemp("front") / "serve.log"
    command = [
        *MITIGRAPH, "serve", "--host", LOOPBACK, "--port", str(port), "--workers", "1",
        "--sparql-endpoint", oxigraph.url + "/query",
    ]  # fmt: skip
    with started(command, port=port, log_path=log_path) as process:
        wait_until(lambda client: client.get(process.url + "/health").status_code == 200, process)
        yield process
