"""The graph the page tests serve: the fixture records (with the real catalogue's variations: a cut-off page,
NIST tags, provisional categories), the ontology, the taxonomy and the facet values."""

from __future__ import annotations

from pathlib import Path

from mitigraph.assets import data_dir
from mitigraph.loader import ontology_files

FIXTURES = Path(__file__).parent / "fixtures"


def page_graph_files() -> list[Path]:
    return [
        *ontology_files(),
        data_dir() / "taxonomy.ttl",
        data_dir() / "facets.ttl",
        FIXTURES / "graph.ttl",
        FIXTURES / "catalogue.ttl",
    ]


def serve_options(*extra: str) -> tuple[str, ...]:
    """`mitigraph serve` options for one small server over the page graph."""
    graphs = [f"--graph={path}" for path in page_graph_files()]
    return ("--workers=1", "--query-workers=1", "--no-access-log", *extra, *graphs)
