"""Long listings on a synthetic catalogue of 2,000 records (`mitigraph generate`): pages of fifty with counts
and links to the others, a bound past which the SPARQL endpoint takes over, and pages that read their
whole-graph figures from the site cache (never recomputed per request) and answer quickly.

The store and its site are written once by `mitigraph.site.write_store` (what `build --store` writes,
without the exports `build` also makes) and served with `--store`.
"""

from __future__ import annotations

import dataclasses
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from html_reading import Page, read_page
from structure_reading import read_structure
from tests.support.servers import RunningServer, running_server

from mitigraph.loader import load_files, ontology_files, reference_data_files
from mitigraph.settings import Settings
from mitigraph.site import read_site, site_dir, write_store
from mitigraph.site.layout import FIGURES_FILE

MITIGATIONS = 2000
PAGE_SIZE = 50
LISTED_AT_MOST = 1000
"""Twenty pages of fifty: past them a listing says the SPARQL endpoint lists the rest."""
HTML = {"Accept": "text/html"}
MITIGRAPH = [sys.executable, "-c", "from mitigraph.cli import main; main()"]


def mitigraph(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MITIGRAPH, *arguments], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("paging")
    synthetic = work / "synthetic.nt"
    generated = mitigraph(
        "generate", "--mitigations", str(MITIGATIONS), "--output", str(synthetic), "--seed", "7"
    )
    assert generated.returncode == 0, generated.stderr
    graph = load_files([*ontology_files(), *reference_data_files(), synthetic]).store
    write_store(graph, work / "store", base=Settings().base)
    return work / "store"


@contextmanager
def serve_store(store: Path, log_dir: Path) -> Iterator[RunningServer]:
    options = ("--store", str(store), "--workers=1", "--query-workers=1", "--no-access-log")
    with running_server(*options, log_dir=log_dir) as running:
        yield running


@pytest.fixture(scope="module")
def paging_http(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    log_dir = tmp_path_factory.mktemp("paging-server")
    with serve_store(store, log_dir) as running, httpx.Client(base_url=running.url, timeout=30) as http:
        yield http


def get(client: httpx.Client, path: str) -> Page:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, f"{path} answered {response.status_code}: {response.text[:300]}"
    return read_page(response.text)


def count(client: httpx.Client, where: str) -> int:
    query = f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {where} }}"
    query = "PREFIX mg: <https://w3id.org/mitigraph/ontology#> " + query
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


CATEGORY = "/id/category/1"
IN_CATEGORY = "?m mg:inCategory/mg:subcategoryOf* <https://w3id.org/mitigraph/id/category/1>"


def records_on(shown: Page) -> list[str]:
    return [link.href for link in shown.links if link.href.startswith("/id/mitigation/")]


def category_rows(client: httpx.Client, path: str) -> list[str]:
    """The records a category page lists: the first link of each row of its table (a row also links the
    records it is part of or nearly duplicates)."""
    (members,) = read_structure(client.get(path, headers=HTML).text)[0]
    return members.row_links


def pager_texts(shown: Page) -> list[str]:
    return [
        link.text for link in shown.links if link.href.startswith("?") or link.text in ("First", "Previous")
    ]


def test_a_category_pages_through_everything_in_it_and_below(paging_http: httpx.Client) -> None:
    total = count(paging_http, IN_CATEGORY)
    pages = -(-total // PAGE_SIZE)
    assert PAGE_SIZE < total <= LISTED_AT_MOST, "the synthetic category should span several pages"
    seen: list[str] = []
    for number in range(1, pages + 1):
        shown = get(paging_http, f"{CATEGORY}?page={number}")
        first, last = (number - 1) * PAGE_SIZE + 1, min(number * PAGE_SIZE, total)
        assert f"Records {first:,}–{last:,} of {total:,} (page {number} of {pages})." in shown.text
        rows = category_rows(paging_http, f"{CATEGORY}?page={number}")
        assert len(rows) == last - first + 1
        seen += rows
    assert len(seen) == len(set(seen)) == total


def test_the_first_page_links_forward_and_the_last_back(paging_http: httpx.Client) -> None:
    pages = -(-count(paging_http, IN_CATEGORY) // PAGE_SIZE)
    first = get(paging_http, CATEGORY)
    assert "First" not in pager_texts(first) and "Previous" not in pager_texts(first)
    assert first.href_of("Next") == "?page=2"
    assert first.href_of("Last") == f"?page={pages}"
    assert first.href_of(str(pages)) == f"?page={pages}"
    last = get(paging_http, f"{CATEGORY}?page={pages}")
    assert "Next" not in last.link_texts() and "Last" not in last.link_texts()
    assert last.href_of("First") == CATEGORY
    assert last.href_of("Previous") == f"?page={pages - 1}"
    assert str(pages) not in last.link_texts(), "the current page is not a link"


def test_page_links_lead_to_pages_that_answer(paging_http: httpx.Client) -> None:
    shown = get(paging_http, f"{CATEGORY}?page=3")
    targets = {link.href for link in shown.links if link.href.startswith("?") or link.href == CATEGORY}
    assert {"?page=2", "?page=4", "?page=5", CATEGORY} <= targets
    for target in targets:
        path = CATEGORY + target if target.startswith("?") else target
        assert paging_http.get(path, headers=HTML).status_code == 200


def test_a_page_past_the_last_is_not_found(paging_http: httpx.Client) -> None:
    pages = -(-count(paging_http, IN_CATEGORY) // PAGE_SIZE)
    response = paging_http.get(f"{CATEGORY}?page={pages + 1}", headers=HTML)
    assert response.status_code == 404
    assert (
        f"There is no page {pages + 1} of this listing: it has {pages} pages" in read_page(response.text).text
    )


def test_every_record_listing_stops_at_the_bound_and_says_so(paging_http: httpx.Client) -> None:
    total = count(paging_http, "?m a mg:Mitigation")
    assert total > LISTED_AT_MOST
    last = get(paging_http, "/mitigations?page=20")
    assert f"Records 951–1,000 of {total:,} (page 20 of 20)." in last.text
    assert "Only the first 1,000 are listed here; the SPARQL endpoint lists them all." in last.text
    assert len(records_on(last)) == PAGE_SIZE
    labels = [
        link.text
        for link in get(paging_http, "/mitigations").links
        if link.href.startswith("/id/mitigation/")
    ]
    assert labels == sorted(labels, key=str.casefold)


def test_search_results_page_with_the_search_text_kept(paging_http: httpx.Client) -> None:
    first = get(paging_http, "/search?q=data")
    match = re.search(r"Matches 1–50 of ([\d,]+) for “data”, best first \(page 1 of (\d+)\)", first.text)
    assert match, first.text[:500]
    total, pages = int(match[1].replace(",", "")), int(match[2])
    assert first.href_of("Next") == "?q=data&page=2"
    hits = {
        number: records_on(get(paging_http, f"/search?q=data&page={number}"))
        for number in range(1, pages + 1)
    }
    found = [href for page_hits in hits.values() for href in page_hits]
    assert len(found) == len(set(found))
    assert len(found) <= total


def test_a_search_with_more_matches_than_pages_lists_the_first_and_counts_all(
    paging_http: httpx.Client,
) -> None:
    shown = get(paging_http, "/search?q=risk&page=20")
    match = re.search(r"Matches 951–1,000 of ([\d,]+) for “risk”", shown.text)
    assert match and int(match[1].replace(",", "")) > 1000, shown.text[:500]
    assert "Only the first 1,000 are listed here" in shown.text
    assert shown.href_of("First") == "?q=risk"


TAMPERED_MITIGATIONS = 987_654
TAMPERED_MAXIMUM = 123_456


def test_pages_show_the_figures_of_the_site_cache(store: Path, tmp_path: Path) -> None:
    """Change the figures in a copy of the store's site cache: the pages show the changed figures, so they
    read them from the cache and compute nothing over the graph when asked."""
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    figures_path = site_dir(copy) / FIGURES_FILE
    figures = read_site(site_dir(copy), base=Settings().base).figures
    tampered = dataclasses.replace(
        figures,
        counts=dataclasses.replace(figures.counts, mitigations=TAMPERED_MITIGATIONS),
        coverage=dataclasses.replace(
            figures.coverage, stages=dataclasses.replace(figures.coverage.stages, maximum=TAMPERED_MAXIMUM)
        ),
    )
    figures_path.write_bytes(pickle.dumps(tampered, protocol=pickle.HIGHEST_PROTOCOL))
    with serve_store(copy, tmp_path) as running, httpx.Client(base_url=running.url, timeout=30) as http:
        assert f"{TAMPERED_MITIGATIONS} mitigations" in get(http, "/").text
        assert f"the darkest cell holds {TAMPERED_MAXIMUM}" in get(http, "/coverage").text
