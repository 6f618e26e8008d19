"""`/download/...`: the whole graph in four RDF formats and a CSV, with ETag, 304, gzip and a file name."""

from __future__ import annotations

import csv
import gzip
import io

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

RDF_DOWNLOADS = {
    "mitigraph.ttl": ("text/turtle", "turtle"),
    "mitigraph.jsonld": ("application/ld+json", "json-ld"),
    "mitigraph.nt": ("application/n-triples", "nt"),
    "mitigraph.rdf": ("application/rdf+xml", "xml"),
}
ALL_DOWNLOADS = [*RDF_DOWNLOADS, "mitigraph.csv"]
PLAIN = {"Accept-Encoding": "identity"}


def fetch(client: httpx.Client, filename: str, **headers: str) -> httpx.Response:
    return client.get(f"/download/{filename}", headers={**PLAIN, **headers})


@pytest.mark.parametrize("filename", ALL_DOWNLOADS)
def test_download_has_a_strong_etag_and_a_file_name(page_http: httpx.Client, filename: str) -> None:
    response = fetch(page_http, filename)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert f"filename={filename}" in response.headers["content-disposition"]
    assert response.headers["content-disposition"].startswith("attachment")
    assert "content-encoding" not in response.headers


@pytest.mark.parametrize("filename", ALL_DOWNLOADS)
def test_conditional_get_answers_304(page_http: httpx.Client, filename: str) -> None:
    etag = fetch(page_http, filename).headers["etag"]
    again = fetch(page_http, filename, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    changed = fetch(page_http, filename, **{"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


@pytest.mark.parametrize("filename", ALL_DOWNLOADS)
def test_gzip_when_asked(page_http: httpx.Client, filename: str) -> None:
    plain = fetch(page_http, filename)
    with page_http.stream("GET", f"/download/{filename}", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in response.headers["vary"].lower()
        assert response.headers["etag"] != plain.headers["etag"]
        compressed = b"".join(response.iter_raw())
    assert gzip.decompress(compressed) == plain.content
    assert len(compressed) < len(plain.content)


def parsed(client: httpx.Client, filename: str) -> Graph:
    media, rdflib_format = RDF_DOWNLOADS[filename]
    response = fetch(client, filename)
    assert response.headers["content-type"].split(";")[0] == media
    return Graph().parse(data=response.content, format=rdflib_format)


@pytest.mark.parametrize("filename", [name for name in RDF_DOWNLOADS if name != "mitigraph.ttl"])
def test_every_format_parses_back_to_the_same_graph(page_http: httpx.Client, filename: str) -> None:
    turtle = parsed(page_http, "mitigraph.ttl")
    assert len(turtle) > 500
    assert isomorphic(parsed(page_http, filename), turtle)


def test_csv_has_one_row_per_mitigation(page_http: httpx.Client) -> None:
    response = fetch(page_http, "mitigraph.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 9
    assert len({row["iri"] for row in rows}) == 9
    record = next(row for row in rows if row["iri"].endswith("/mitigation/fixture-page"))
    assert record == {
        "iri": "https://w3id.org/mitigraph/id/mitigation/fixture-page",
        "label": "Adversarial training for robust alignment",
        "category_code": "1.1.2",
        "category_name": "Learning Objectives",
        "source_title": "Fixture Report on Safety Measures",
        "year": "2025",
        "lifecycle_stage": "Build and Use Model",
        "actor": "Developer",
        "risk_management_function": "Manage",
    }


def test_unknown_download_is_404(page_http: httpx.Client) -> None:
    response = fetch(page_http, "mitigraph.xlsx", Accept="text/plain")
    assert response.status_code == 404
    assert "mitigraph.ttl" in response.text
