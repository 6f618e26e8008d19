"""Import navigator pages: read each page, recognise its terms, and build its graphs.

A library call: it raises PageFormatError for a file that is not a navigator page and returns warnings
for what it decided on its own; printing, progress and exit codes belong to the `import` command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from mitigraph.importer.errors import ImportWarning, WarningLog
from mitigraph.importer.model import ParsedPage
from mitigraph.importer.page_graph import build_page_graphs
from mitigraph.importer.page_layout import read_layout
from mitigraph.importer.page_text import page_id_of, read_lines, split_head
from mitigraph.importer.record_category import record_category
from mitigraph.importer.taxonomy_match import ReferenceTerms
from mitigraph.iris import Minter
from mitigraph.namespaces import bind_prefixes


@dataclass(frozen=True)
class PageImport:
    """One imported page: its page graph, the derived labels it proposes, and the warnings it raised."""

    path: Path
    page_id: str
    record: URIRef
    graph: Graph
    derived_labels: Graph
    warnings: tuple[ImportWarning, ...]


@dataclass(frozen=True)
class ImportResult:
    pages: tuple[PageImport, ...]

    @property
    def warnings(self) -> tuple[ImportWarning, ...]:
        return tuple(warning for page in self.pages for warning in page.warnings)

    def page_graph(self) -> Graph:
        """Every page graph, merged."""
        merged = _empty_like(self.pages)
        for page in self.pages:
            merged += page.graph
        return merged

    def derived_labels(self) -> Graph:
        merged = _empty_like(self.pages)
        for page in self.pages:
            merged += page.derived_labels
        return merged

    def combined(self) -> Graph:
        """Page graphs and derived labels together: what `--output` writes."""
        return self.page_graph() + self.derived_labels()


def _empty_like(pages: Sequence[PageImport]) -> Graph:
    graph = Graph()
    if pages:
        for prefix, namespace in pages[0].graph.namespaces():
            graph.bind(prefix, namespace, override=True, replace=True)
    else:
        bind_prefixes(graph)
    return graph


def reference_terms(taxonomy_graph: Graph, *, minter: Minter | None = None) -> ReferenceTerms:
    """Index the taxonomy and facet values once, for importing many pages."""
    return ReferenceTerms(taxonomy_graph, minter=minter or Minter())


def import_page(path: Path, *, terms: ReferenceTerms, url: str | None = None) -> PageImport:
    """Import one page. `url` names the page explicitly (else it follows from the file name)."""
    path = Path(path)
    log = WarningLog(path)
    page_id = page_id_of(path)
    head, rest = split_head(path, read_lines(path))
    layout = read_layout(path, rest, terms=terms, log=log)
    parsed = ParsedPage(
        path=path,
        page_id=page_id,
        head=head,
        heading=layout.heading,
        items=layout.items,
        source=layout.source,
        facets=layout.facets,
    )
    category = record_category(path, head, terms=terms, log=log)
    graphs = build_page_graphs(parsed, own_category=category, terms=terms, log=log, url=url)
    return PageImport(
        path=path,
        page_id=page_id,
        record=graphs.record,
        graph=graphs.graph,
        derived_labels=graphs.derived_labels,
        warnings=log.warnings,
    )


def import_pages(
    paths: Sequence[Path], *, taxonomy_graph: Graph, url: str | None = None, minter: Minter | None = None
) -> ImportResult:
    """Import several pages; each page's graph depends only on that page and the reference data."""
    if url is not None and len(paths) != 1:
        raise ValueError(f"a page URL names one page, but {len(paths)} pages were given")
    terms = reference_terms(taxonomy_graph, minter=minter)
    return ImportResult(pages=tuple(import_page(Path(path), terms=terms, url=url) for path in paths))
