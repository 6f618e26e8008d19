"""`mitigraph publish`: validate the graph, then load it into a SPARQL 1.1 store (Graph Store Protocol)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from mitigraph.loader import GraphLoadError, LoadedGraph, load_project, load_shapes, load_with_reference
from mitigraph.namespaces import DEFAULT_BASE
from mitigraph.publish import (
    CONTENT_TYPES,
    DEFAULT_TIMEOUT,
    GraphStoreTarget,
    PublishError,
    default_gsp_url,
    graph_body,
    upload,
)
from mitigraph.reporting import report_as_text
from mitigraph.validation import validate_graph


@click.command(name="publish")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--endpoint", required=True, help="The store's SPARQL endpoint or root, e.g. http://127.0.0.1:7878."
)
@click.option(
    "--gsp-url",
    default=None,
    help="The store's Graph Store Protocol URL. Default: <endpoint root>/store (Oxigraph server's).",
)
@click.option(
    "--graph", "graph_iri", default=None, help="Named graph to load into. Default: the default graph."
)
@click.option(
    "--replace", is_flag=True, help="Replace what the graph holds (PUT) instead of adding to it (POST)."
)
@click.option(
    "--format",
    "body_format",
    type=click.Choice(sorted(CONTENT_TYPES)),
    default="nt",
    show_default=True,
    help="Body format: N-Triples or Turtle.",
)
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True)
def command(
    *,
    files: tuple[Path, ...],
    endpoint: str,
    gsp_url: str | None,
    graph_iri: str | None,
    replace: bool,
    body_format: str,
    timeout: float,
) -> None:
    """Validate the project's graph (or FILES with the ontology and taxonomy), then load it into a store.

    Works with any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol: Oxigraph server, Fuseki,
    GraphDB, Virtuoso, QLever. Nothing is sent unless the graph conforms to the shapes.
    """
    target = GraphStoreTarget(gsp_url=gsp_url or default_gsp_url(endpoint), graph=graph_iri, replace=replace)
    loaded = _load(files)
    _check_conforms(loaded)
    body = graph_body(loaded.graph, body_format=body_format)
    click.echo(f"Sending {len(loaded.graph)} triples to {target.request_url()} ({target.method})", err=True)
    bar = tqdm(total=len(body), unit="B", unit_scale=True, file=sys.stderr, disable=not sys.stderr.isatty())
    try:
        upload(body, target=target, body_format=body_format, timeout=timeout, on_progress=bar.update)
    except PublishError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from error
    finally:
        bar.close()
    click.echo(f"Published {len(loaded.graph)} triples to {target.request_url()}")


def _load(files: tuple[Path, ...]) -> LoadedGraph:
    try:
        return load_with_reference(list(files)) if files else load_project()
    except GraphLoadError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from error


def _check_conforms(loaded: LoadedGraph) -> None:
    """Stop with exit code 1 and the report when the graph does not conform: a store gets valid data only."""
    try:
        shapes = load_shapes()
    except GraphLoadError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from error
    report = validate_graph(loaded.graph, shapes=shapes, origins=loaded)
    if not report.conforms:
        click.echo(report_as_text(report, loaded=loaded, base=DEFAULT_BASE), err=True)
        click.echo("Error: the graph does not conform to the shapes; nothing was published.", err=True)
        raise SystemExit(1)
