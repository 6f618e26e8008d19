"""Import a batch of navigator pages: read each page, join the batch, learn the taxonomy, build the graphs.

A library call, in the order a reader follows: `reading` (is it a page?), `layout` and `listing` (its
blocks), `grouping` and `merging` (the join across pages: sources, one IRI per item), `taxonomy_learning`
(categories with evidence, kept in `taxonomy_facts`), `page_graph` and `shared_nodes` (RDF), then the
command writes with `writing`. A file that is not a navigator page is reported in `ImportResult.failures` and
takes no part in the join; printing, progress and exit codes belong to the `import` command.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from mitigraph.importer.errors import ImportWarning, PageFormatError, WarningKind, WarningLog
from mitigraph.importer.layout import read_layout
from mitigraph.importer.merging import join_batch
from mitigraph.importer.page_graph import build_page_graphs, page_iri
from mitigraph.importer.reading import read_page_text
from mitigraph.importer.records import ParsedPage
from mitigraph.importer.reference import ReferenceTerms
from mitigraph.importer.shared_nodes import learnt_taxonomy_graph
from mitigraph.importer.taxonomy_learning import learn_taxonomy
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
    incomplete: bool


@dataclass(frozen=True)
class ImportResult:
    pages: tuple[PageImport, ...]
    failures: tuple[PageFormatError, ...]
    taxonomy: Graph
    """What the batch learnt about the taxonomy, with evidence (`data/taxonomy-learnt.ttl`)."""

    @property
    def warnings(self) -> tuple[ImportWarning, ...]:
        return tuple(warning for page in self.pages for warning in page.warnings)

    def warnings_by_kind(self) -> list[tuple[WarningKind, int]]:
        counts = Counter(warning.kind for warning in self.warnings)
        return sorted(counts.items(), key=lambda entry: (-entry[1], entry[0].value))

    def page_graph(self) -> Graph:
        """Every page graph and the learnt taxonomy, merged."""
        merged = bind_prefixes(Graph())
        for page in self.pages:
            merged += page.graph
        return merged + self.taxonomy

    def derived_labels(self) -> Graph:
        merged = bind_prefixes(Graph())
        for page in self.pages:
            merged += page.derived_labels
        return merged

    def combined(self) -> Graph:
        """Page graphs, learnt taxonomy and derived labels together: what `--output` writes."""
        return self.page_graph() + self.derived_labels()


def reference_terms(taxonomy_graph: Graph, *, minter: Minter | None = None) -> ReferenceTerms:
    """Index the taxonomy and facet values once, for importing many pages."""
    return ReferenceTerms(taxonomy_graph, minter=minter or Minter())


def import_pages(
    paths: Sequence[Path],
    *,
    terms: ReferenceTerms,
    url: str | None = None,
    on_page: Callable[[Path], None] | None = None,
) -> ImportResult:
    """Import a batch; `url` names the page of a batch of one; `on_page` is told of each page read."""
    if url is not None and len(paths) != 1:
        raise ValueError(f"a page URL names one page, but {len(paths)} pages were given")
    parsed: list[ParsedPage] = []
    logs: list[WarningLog] = []
    failures: list[PageFormatError] = []
    for path in dict.fromkeys(Path(p) for p in paths):
        log = WarningLog(path)
        try:
            parsed.append(read_layout(read_page_text(path), terms=terms, log=log))
            logs.append(log)
        except PageFormatError as error:
            failures.append(error)
        if on_page is not None:
            on_page(path)
    joins = join_batch(parsed, terms=terms, logs=logs)
    taxonomy = learn_taxonomy(parsed, joins, terms=terms, logs=logs)
    pages = []
    for index, (page, join, log) in enumerate(zip(parsed, joins, logs, strict=True)):
        graphs = build_page_graphs(
            page,
            join,
            category=taxonomy.record_categories[index],
            taxonomy=taxonomy,
            terms=terms,
            log=log,
            url=url,
        )
        pages.append(
            PageImport(
                path=page.path,
                page_id=page.page_id,
                record=join.record,
                graph=graphs.graph,
                derived_labels=graphs.derived_labels,
                warnings=log.warnings,
                incomplete=page.incomplete,
            )
        )
    page_iris = {page.page_id: page_iri(page.page_id, terms=terms, url=url) for page in parsed}
    learnt = learnt_taxonomy_graph(taxonomy, terms=terms, page_iri=page_iris)
    return ImportResult(pages=tuple(pages), failures=tuple(failures), taxonomy=learnt)


def import_page(path: Path, *, terms: ReferenceTerms, url: str | None = None) -> PageImport:
    """Import one page on its own (a batch of one); raises PageFormatError for a file that is not a page."""
    result = import_pages([path], terms=terms, url=url)
    if result.failures:
        raise result.failures[0]
    return result.pages[0]
