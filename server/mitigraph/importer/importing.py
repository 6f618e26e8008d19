"""Import a batch of navigator pages: the one entry point, which runs the importer's steps in order.

Read each page (`text`, `layout`, `records`), merge the batch (`merging`), learn the taxonomy
(`taxonomy_learning`), build each page's graph and the learnt taxonomy's (`graph`, `taxonomy`). A file that
is not a navigator page is reported in `ImportResult.failures` and takes no part in the merge. Writing the
result is `writing`'s; printing, progress and exit codes belong to the `import` command.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from mitigraph.importer.graph import build_page_graphs, page_iri
from mitigraph.importer.layout import read_layout
from mitigraph.importer.merging import join_batch
from mitigraph.importer.records import ParsedPage
from mitigraph.importer.taxonomy import ReferenceTerms, learnt_taxonomy_graph
from mitigraph.importer.taxonomy_learning import learn_taxonomy
from mitigraph.importer.text import ImportWarning, PageFormatError, WarningKind, WarningLog, read_page_text
from mitigraph.iris import Minter
from mitigraph.loader import load_files, reference_data_files
from mitigraph.namespaces import DEFAULT_BASE, MG, bind_prefixes


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
        """Each kind of warning with its count, the most frequent first."""
        counts = Counter(warning.kind for warning in self.warnings)
        return sorted(counts.items(), key=lambda entry: (-entry[1], entry[0].value))

    @property
    def records(self) -> int:
        """How many records (pages' own and listed items) the pages describe, each counted once."""
        return len({node for page in self.pages for node in page.graph.subjects(RDF.type, MG.Mitigation)})

    @property
    def incomplete(self) -> int:
        """How many pages stop early."""
        return sum(page.incomplete for page in self.pages)

    @property
    def learnt_categories(self) -> int:
        """How many categories have learnt facts."""
        return len(set(self.taxonomy.subjects(MG.evidence, None)))

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


def reference_terms(graph: Graph | None = None, *, base: str = DEFAULT_BASE) -> ReferenceTerms:
    """The taxonomy and facet values pages are read against (`graph`, else the project's reference data),
    indexed once for importing many pages; IRIs are minted under `base`."""
    if graph is None:
        graph = load_files(reference_data_files(), base=base).graph
    return ReferenceTerms(graph, minter=Minter(base=base))


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
