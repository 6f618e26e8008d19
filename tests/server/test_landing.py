"""What `/sparql` shows without running a query: the editor for browsers (the site's header, one tab per
example, our IRIs linked to this server, nothing from other sites), the service description for RDF clients,
and the editor again for a browser following a link `/sparql?query=...`; every other client gets results."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import httpx
import pytest
from rdflib import Graph
from rdflib.plugins.sparql import CUSTOM_EVALS
from tests.support.servers import RunningServer

from mitigraph.examples import example_queries
from mitigraph.namespaces import SD
from mitigraph.settings import Settings
from mitigraph.web.editor import editor_config, editor_url, service_description

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
NAVIGATING = {"Accept": BROWSER_ACCEPT, "Sec-Fetch-Dest": "document"}
"""What a browser sends when a person follows a link."""
EDITOR_CONFIG = re.compile(r'<script type="application/json" id="editor-config">(.*?)</script>', re.DOTALL)
HEADER = re.compile(r'<header class="site">.*?</header>', re.DOTALL)
ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["']([^"']*)["']""")
ASK = "ASK { ?s ?p ?o }"


def config_of(page: str) -> dict[str, Any]:
    found = EDITOR_CONFIG.search(page)
    assert found, "the editor page carries its configuration"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def editor_page(http: httpx.Client) -> str:
    response = http.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_the_editor_has_the_sites_header_and_navigation(http: httpx.Client) -> None:
    editor = HEADER.search(editor_page(http))
    other_page = HEADER.search(http.get("/queries").text)
    assert editor and other_page
    assert editor.group(0) == other_page.group(0)
    assert 'href="/sparql"' in editor.group(0) and 'href="/"' in editor.group(0)


def test_one_tab_per_example_in_file_order_and_no_other(http: httpx.Client) -> None:
    tabs = config_of(editor_page(http))["tabs"]
    examples = example_queries()
    assert [tab["name"] for tab in tabs] == [example.label for example in examples]
    assert [tab["query"] for tab in tabs] == [example.query for example in examples]
    assert len({tab["name"] for tab in tabs}) == len(tabs)


def test_the_editor_loads_everything_from_this_server(http: httpx.Client) -> None:
    assets = [unescape(url) for url in ASSET.findall(editor_page(http))]
    assert "/static/yasgui/yasgui.min.js" in assets and "/static/editor.js" in assets
    for url in assets:
        assert (url.startswith("/") and not url.startswith("//")) or url.startswith("data:"), url
        if url.startswith("/"):
            assert http.get(url).status_code == 200, url


def test_the_editor_links_our_iris_to_this_servers_pages(
    http: httpx.Client, project_server: RunningServer
) -> None:
    config = config_of(editor_page(http))
    assert config["base"] == Settings().base
    assert config["pages"] == project_server.url + "/id/"
    assert config["endpoint"] == project_server.url + "/sparql"


def test_the_public_url_decides_where_our_iris_link() -> None:
    settings = Settings(public_url="https://mitigraph.example.org/", base="https://example.org/kg/")
    config = editor_config(settings, examples=example_queries())
    assert config["base"] == "https://example.org/kg/"
    assert config["pages"] == "https://mitigraph.example.org/id/"
    assert config["endpoint"] == "https://mitigraph.example.org/sparql"


def test_a_browser_following_a_link_with_a_query_gets_the_editor(http: httpx.Client) -> None:
    response = http.get(editor_url(ASK), headers=NAVIGATING)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Sec-Fetch-Dest" in response.headers["vary"] and "Accept" in response.headers["vary"]
    assert config_of(response.text)["tabs"], "the editor page, which opens the linked query"


@pytest.mark.parametrize(
    ("headers", "params", "content_type"),
    [
        ({"Accept": BROWSER_ACCEPT}, {}, "application/sparql-results+xml"),
        ({**NAVIGATING, "Sec-Fetch-Dest": "empty"}, {}, "application/sparql-results+xml"),
        ({**NAVIGATING, "Accept": "*/*"}, {}, "application/sparql-results+json"),
        (NAVIGATING, {"format": "csv"}, "text/csv"),
        (NAVIGATING, {"format": "json"}, "application/sparql-results+json"),
        ({"Accept": "application/sparql-results+json"}, {}, "application/sparql-results+json"),
    ],
    ids=["browser-not-navigating", "script-in-a-page", "navigating-any-type", "csv", "json", "client"],
)
def test_everything_else_with_a_query_gets_results(
    http: httpx.Client, headers: dict[str, str], params: dict[str, str], content_type: str
) -> None:
    response = http.get("/sparql", params={"query": ASK, **params}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == content_type


def test_a_posted_query_gets_results_even_from_a_navigating_browser(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"query": ASK}, headers=NAVIGATING)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+xml")


def test_rdf_clients_get_the_service_description(http: httpx.Client, project_server: RunningServer) -> None:
    response = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    services = list(graph.subjects(predicate=None, object=SD.Service))
    assert len(services) == 1
    assert str(graph.value(services[0], SD.endpoint)) == project_server.url + "/sparql"


def test_describing_the_service_leaves_rdflibs_custom_evals_alone() -> None:
    before = dict(CUSTOM_EVALS)
    description = service_description(Settings(), triples=1)
    assert dict(CUSTOM_EVALS) == before
    assert str(SD.Service).encode() in description["text/turtle"]
