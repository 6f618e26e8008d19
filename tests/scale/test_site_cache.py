"""The site cache: computed once where the store is written, only loaded by web workers.

What an operator sees: `build --store` leaves the cache inside the store directory; `serve` says which cache
its workers load and what the query processes read; a stale cache is computed once, by `serve`'s own process,
into a temporary directory (never into the persisted store); `/health` tells whether queries are answered
from in-memory copies or from the on-disk store.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.support.commands import run_mitigraph
from tests.support.servers import RunningServer, free_port, running_server

from mitigraph import __version__
from mitigraph.formats import formats_for, write_export
from mitigraph.loader import LoadedGraph
from mitigraph.namespaces import DEFAULT_BASE
from mitigraph.settings import Settings
from mitigraph.site import SITE_DIR_NAME as CACHE_DIR_NAME
from mitigraph.site import SiteError, read_site, site_dir, write_store
from mitigraph.site.parallel_downloads import DownloadsFailed
from mitigraph.web.app import create_app

COMPUTING = "computing the site cache"
DOWNLOADS = ("mitigraph.ttl", "mitigraph.jsonld", "mitigraph.nt", "mitigraph.rdf", "mitigraph.csv")


def metadata_of(store: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((store / CACHE_DIR_NAME / "metadata.json").read_text())
    return loaded


@contextmanager
def serving(store: Path, *options: str, log_dir: Path) -> Iterator[RunningServer]:
    with running_server("--store", str(store), *options, log_dir=log_dir) as server:
        yield server


def health(process: RunningServer) -> dict[str, object]:
    response = httpx.get(process.url + "/health", timeout=10)
    assert response.status_code == 200
    answer: dict[str, object] = response.json()
    return answer


def test_build_store_carries_a_current_site_cache(built_store: tuple[Path, int]) -> None:
    store, triples = built_store
    assert metadata_of(store) == {"version": __version__, "base": Settings().base, "triples": triples}
    downloads = store / CACHE_DIR_NAME / "downloads"
    assert sorted(path.name for path in downloads.iterdir()) == sorted(
        name for download in DOWNLOADS for name in (download, download + ".gz")
    )
    assert sorted(path.name for path in store.parent.iterdir()) == ["out", "store"]


def test_workers_load_the_stores_own_cache_and_compute_nothing(
    built_store: tuple[Path, int], tmp_path: Path
) -> None:
    store, _ = built_store
    written = {path: path.stat().st_mtime_ns for path in (store / CACHE_DIR_NAME).rglob("*")}
    with serving(store, "--workers", "2", log_dir=tmp_path) as process:
        assert httpx.get(process.url + "/download/mitigraph.csv", timeout=10).status_code == 200
        log = process.log()
    assert f"site {store / CACHE_DIR_NAME}:" in log
    assert COMPUTING not in log
    assert {path: path.stat().st_mtime_ns for path in (store / CACHE_DIR_NAME).rglob("*")} == written


def test_a_worker_refuses_a_store_without_a_cache_rather_than_computing_one(
    built_store: tuple[Path, int], tmp_path: Path
) -> None:
    store, _ = built_store
    bare = tmp_path / "store"
    shutil.copytree(store, bare, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
    with pytest.raises(SiteError, match=str(bare / CACHE_DIR_NAME)):
        create_app(Settings(store_dir=bare))
    assert not (bare / CACHE_DIR_NAME).exists()


def test_a_stale_cache_is_computed_once_by_serve_and_the_store_is_left_alone(
    built_store: tuple[Path, int], tmp_path: Path
) -> None:
    store, triples = built_store
    stale = tmp_path / "store"
    shutil.copytree(store, stale)
    metadata_file = stale / CACHE_DIR_NAME / "metadata.json"
    metadata_file.write_text(json.dumps({**metadata_of(stale), "version": "0.0.1-old"}))
    before = metadata_file.read_bytes()
    with serving(stale, "--workers", "2", log_dir=tmp_path) as process:
        response = httpx.get(process.url + "/download/mitigraph.nt", timeout=10)
        assert response.status_code == 200
        assert health(process)["triples"] == triples
        log = process.log()
    assert log.count(COMPUTING) == 1, log
    assert "written by Mitigraph 0.0.1-old" in log
    assert metadata_file.read_bytes() == before


@pytest.mark.parametrize(
    ("options", "query_store", "said"),
    [
        ((), "in-memory copies", "query processes copy the store into memory"),
        (("--memory-copy-max-triples", "100"), "on-disk store", "query processes read the on-disk store"),
        (("--memory-copy-max-triples", "0"), "on-disk store", "query processes read the on-disk store"),
    ],
)
def test_the_memory_copy_limit_decides_what_queries_read(
    built_store: tuple[Path, int], tmp_path: Path, options: tuple[str, ...], query_store: str, said: str
) -> None:
    store, triples = built_store
    with serving(store, "--workers", "1", *options, log_dir=tmp_path) as process:
        answer = health(process)
        log = process.log()
    assert answer["query_store"] == query_store
    assert answer["triples"] == triples
    assert said in log


def test_a_negative_memory_copy_limit_is_refused(built_store: tuple[Path, int]) -> None:
    store, _ = built_store
    result = run_mitigraph(
        "serve", "--port", str(free_port()), "--store", str(store), "--memory-copy-max-triples", "-1"
    )
    assert result.returncode == 2
    assert "--memory-copy-max-triples must be 0 or more" in result.stderr


def test_files_build_exported_are_the_sites_downloads_byte_for_byte(
    project: LoadedGraph, tmp_path: Path
) -> None:
    """`build` hands the site the files it exported; the site copies them instead of serialising again,
    and its downloads are exactly those it would have written itself."""
    exported = tmp_path / "out"
    exported.mkdir()
    for fmt in formats_for("download"):
        with (exported / fmt.file_name).open("wb") as output:
            write_export(fmt, project.store, output, base=DEFAULT_BASE)
    write_store(project.store, tmp_path / "own", base=DEFAULT_BASE)
    names = {fmt.file_name: exported / fmt.file_name for fmt in formats_for("download")}
    write_store(project.store, tmp_path / "copied", base=DEFAULT_BASE, exported=names)
    own = read_site(site_dir(tmp_path / "own"), base=DEFAULT_BASE)
    copied = read_site(site_dir(tmp_path / "copied"), base=DEFAULT_BASE)
    assert copied.figures.downloads == own.figures.downloads
    assert sorted(copied.figures.downloads) == sorted(DOWNLOADS)
    for name in DOWNLOADS:
        assert (copied.downloads_dir / name).read_bytes() == (exported / name).read_bytes()
        gzipped = (copied.downloads_dir / (name + ".gz")).read_bytes()
        assert gzip.decompress(gzipped) == (exported / name).read_bytes()


def test_a_download_that_cannot_be_written_fails_the_store_and_leaves_nothing(
    project: LoadedGraph, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.ttl"
    with pytest.raises(DownloadsFailed, match=re.escape(str(missing))):
        write_store(project.store, tmp_path / "store", base=DEFAULT_BASE, exported={"mitigraph.ttl": missing})
    assert list(tmp_path.iterdir()) == []
