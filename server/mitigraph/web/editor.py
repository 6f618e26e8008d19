"""The landing of `/sparql`: the SPARQL editor for browsers and the service description for RDF clients,
both built once per worker.

The editor is a page of the site (base.html's header and navigation) around the vendored YASGUI
(`/static/yasgui/`), with one tab per curated example (queries/*.ttl) and nothing loaded from other sites.
`static/editor.js` opens the tabs, opens the query of a link `/sparql?query=...` (`editor_url`), and points
result IRIs in our namespace (Settings.base) at this server's `/id/` pages (Settings.public_url). The service
description is rdflib-endpoint's, corrected to what this endpoint really does (`describe_service`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, render_template
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID
from rdflib_endpoint import SparqlRouter

from mitigraph import __version__
from mitigraph.examples import ExampleQuery
from mitigraph.formats import formats_for, serialize_triples
from mitigraph.namespaces import SD
from mitigraph.settings import Settings
from mitigraph.site.documents import oxigraph_triples
from mitigraph.web.sparql import Landing

YASGUI_DIR = Path(__file__).resolve().parent / "static" / "yasgui"
YASGUI_URL_PATH = "/static/yasgui"
EDITOR_PATH = "/sparql"
EDITOR_TEMPLATE = "sparql.html"
TITLE = "Mitigraph SPARQL endpoint"
DESCRIPTION = (
    "A read-only SPARQL 1.1 endpoint over Mitigraph, "
    "a linked, validated knowledge graph of AI-risk mitigations."
)


def build_landing(
    settings: Settings, *, examples: Sequence[ExampleQuery], triples: int, pages: Flask
) -> Landing:
    """The editor page (rendered with the pages app's templates) and the service description."""
    return Landing(
        yasgui_html=editor_page(settings, examples=examples, pages=pages),
        service_description=service_description(settings, triples=triples),
    )


def editor_url(query: str) -> str:
    """The site-relative link that opens `query` in the editor (in its example's tab, if it is one)."""
    return EDITOR_PATH + "?" + urlencode({"query": query})


def editor_page(settings: Settings, *, examples: Sequence[ExampleQuery], pages: Flask) -> str:
    """The HTML of the editor: the site's header around YASGUI, its configuration as JSON for editor.js."""
    with pages.test_request_context(EDITOR_PATH):
        return render_template(
            EDITOR_TEMPLATE,
            config=editor_config(settings, examples=examples),
            endpoint=endpoint_url(settings),
            settings=settings,
            yasgui=YASGUI_URL_PATH,
        )


def editor_config(settings: Settings, *, examples: Sequence[ExampleQuery]) -> dict[str, object]:
    """What editor.js needs: the endpoint, one tab per example (in file order), and where our IRIs live:
    an IRI starting with `base` is shown at `pages` + the rest (this server's `/id/` route)."""
    return {
        "endpoint": endpoint_url(settings),
        "base": settings.base,
        "pages": settings.public_url.rstrip("/") + "/id/",
        "tabs": [{"name": example.label, "query": example.query} for example in examples],
    }


def endpoint_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + EDITOR_PATH


def service_description(settings: Settings, *, triples: int) -> dict[str, bytes]:
    """The service description, serialised in every graph format /sparql offers, by media type."""
    router = SparqlRouter(
        path=EDITOR_PATH,
        title=TITLE,
        description=DESCRIPTION,
        version=__version__,
        graph=Graph(),
        public_url=endpoint_url(settings),
    )
    description = oxigraph_triples(
        describe_service(router.service_description, settings=settings, triples=triples)
    )
    return {
        fmt.media_type: serialize_triples(description, fmt, base=settings.base)
        for fmt in formats_for("sparql", kind="graph")
    }


def describe_service(description: Graph, *, settings: Settings, triples: int) -> Graph:
    """Correct rdflib-endpoint's service description to what this endpoint really does.

    It refuses SERVICE (no sd:BasicFederatedQuery) and accepts no input (no LOAD, so no sd:inputFormat);
    it writes the formats the registry offers on /sparql; its default graph is the whole graph.
    """
    service = next(description.subjects(RDF.type, SD.Service))
    description.remove((service, SD.feature, SD.BasicFederatedQuery))
    description.remove((service, SD.inputFormat, None))
    description.remove((service, SD.resultFormat, None))
    for fmt in formats_for("sparql"):
        if fmt.w3c_iri is not None:
            description.add((service, SD.resultFormat, URIRef(fmt.w3c_iri)))
    description.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only: SPARQL Update is refused (403); SERVICE, FROM, FROM NAMED and LOAD are "
                f"refused (400). Limits: {settings.max_query_bytes} bytes of query text, "
                f"{settings.query_timeout:g} s per query, {settings.max_result_bytes} bytes of result.",
                lang="en",
            ),
        )
    )
    for dataset in description.objects(service, SD.defaultDataset):
        for graph in description.objects(dataset, SD.defaultGraph):
            description.add((graph, VOID.triples, Literal(triples)))
    if not any(description.objects(service, SD.defaultDataset)):
        dataset, graph = BNode(), BNode()
        description.add((service, SD.defaultDataset, dataset))
        description.add((dataset, SD.defaultGraph, graph))
        description.add((graph, VOID.triples, Literal(triples)))
    return description
