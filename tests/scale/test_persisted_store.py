"""`mitigraph build --store DIR`, then `mitigraph serve --store DIR`: the persisted store replicas share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from scaleout import LOOPBACK, MITIGRAPH, Process, free_port, mitigraph, started, wait_until

COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The project's graph built into an on-disk store, with the triple count `build` reported."""
    work = tmp_path_factory.mktemp("persisted")
    store = work / "store"
    result = mitigraph("build", "--out", str(work / "out"), "--store", str(store))
    assert result.returncode == 0, result.stderr
    triples = int(result.stdout.split("Built the graph: ", 1)[1].split(" triples", 1)[0])
    return store, triples


@pytest.fixture(scope="module")
def replica(built_store: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    store, _ = built_store
    port = free_port()
    log_path = tmp_path_factory.mktemp("replica") / "serve.log"
    command = [
        *MITIGRAPH,
        "serve",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--workers",
        "1",
        "--store",
        str(store),
    ]
    with started(command, port=port, log_path=log_path) as process:
        wait_until(lambda client: client.get(process.url + "/health").status_code == 200, process)
        yield process


def test_build_writes_a_store_and_leaves_nothing_beside_it(built_store: tuple[Path, int]):
    store, _ = built_store
    assert store.is_dir()
    assert sorted(path.name for path in store.parent.iterdir()) == ["out", "store"]


def test_a_replica_serves_every_triple_of_the_store(replica: Process, built_store: tuple[Path, int]):
    _, triples = built_store
    with httpx.Client(timeout=30.0) as client:
        response = client.post(
            replica.url + "/sparql",
            data={"query": COUNT_TRIPLES},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == triples


def test_rebuilding_replaces_the_store_in_place(tmp_path: Path):
    again = tmp_path / "store"
    first = mitigraph("build", "--out", str(tmp_path / "out"), "--store", str(again))
    second = mitigraph("build", "--out", str(tmp_path / "out"), "--store", str(again))
    assert first.returncode == second.returncode == 0, second.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "store"]


def test_serving_a_missing_store_says_how_to_make_one(tmp_path: Path):
    result = mitigraph("serve", "--port", str(free_port()), "--store", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "mitigraph build --store" in result.stderr
