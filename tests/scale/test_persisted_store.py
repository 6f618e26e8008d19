"""`mitigraph build --store DIR`, then `mitigraph serve --store DIR`: the persisted store replicas share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.support.commands import run_mitigraph
from tests.support.servers import RunningServer, free_port, running_server

COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def replica(
    built_store: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    store, _ = built_store
    log_dir = tmp_path_factory.mktemp("replica")
    with running_server("--workers", "1", "--store", str(store), log_dir=log_dir) as server:
        yield server


def test_build_writes_a_store_and_leaves_nothing_beside_it(built_store: tuple[Path, int]):
    store, _ = built_store
    assert store.is_dir()
    assert sorted(path.name for path in store.parent.iterdir()) == ["out", "store"]


def test_a_replica_serves_every_triple_of_the_store(replica: RunningServer, built_store: tuple[Path, int]):
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
    first = run_mitigraph("build", "--out", str(tmp_path / "out"), "--store", str(again))
    second = run_mitigraph("build", "--out", str(tmp_path / "out"), "--store", str(again))
    assert first.returncode == second.returncode == 0, second.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "store"]


def test_serving_a_missing_store_says_how_to_make_one(tmp_path: Path):
    result = run_mitigraph("serve", "--port", str(free_port()), "--store", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "mitigraph build --store" in result.stderr
