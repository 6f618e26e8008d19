"""Writing a site: every figure, the catalogue index (word search and the filterable list), the downloads
and the documents, computed once from a store by the process that writes the store (or by `serve`, for a
store that has no current site).

The site is written into a staging directory and renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

from pyoxigraph import Store

from mitigraph import __version__
from mitigraph.files import staging_directory
from mitigraph.formats import formats_for
from mitigraph.progress import Stages
from mitigraph.site.catalogue_writing import CATALOGUE_FILE, write_catalogue_of
from mitigraph.site.coverage import read_coverage
from mitigraph.site.documents import build_documents
from mitigraph.site.downloads import write_download
from mitigraph.site.figures import read_counts, read_facet_counts
from mitigraph.site.layout import (
    DOWNLOADS_DIR,
    FIGURES_FILE,
    METADATA_FILE,
    SiteFigures,
    SiteMetadata,
    site_dir,
)
from mitigraph.site.parallel_downloads import downloads_in_parallel
from mitigraph.site.taxonomy import read_taxonomy
from mitigraph.store import GraphReader, memory_store, open_read_only

log = logging.getLogger(__name__)


def write_site(store_dir: Path, *, base: str, stages: Stages | None = None) -> SiteMetadata:
    """Compute the site of the on-disk store at `store_dir` into `<store_dir>/mitigraph-site/`.

    The store is first copied into memory (the "store" stage): an on-disk store reads several times slower,
    and only an in-memory one can be shared with the process that writes the downloads.
    """
    stages = stages if stages is not None else Stages()
    with stages.stage("store"):
        store = memory_store(open_read_only(store_dir))
    return write_site_of(store, site_dir(store_dir), base=base, stages=stages, parallel=True)


def write_site_of(
    store: Store,
    directory: Path,
    *,
    base: str,
    stages: Stages | None = None,
    parallel: bool = False,
    alongside: Callable[[], object] | None = None,
    exported: Mapping[str, Path] | None = None,
) -> SiteMetadata:
    """Compute the site of `store` (any store holding the published graph in its default graph) into
    `directory`, which is replaced whole; each step is timed as a stage of `stages`.

    With `parallel`, the graph downloads (and the ontology's HTML documentation) are made by a forked
    process (mitigraph.site.parallel_downloads) while this one does `alongside` (other work, such as
    writing the on-disk store), the figures and the catalogue index; `store` must then be an in-memory
    store. The "downloads" stage is then the CSV (written here: its query needs a few hundred MB, better
    not held while the other process holds its own) and the wait for the other process.
    `exported` names files already written from the same store in download formats (by file name, as
    `build` writes them): they are copied rather than serialised again.
    """
    exported = exported or {}
    stages = stages if stages is not None else Stages()
    reader = GraphReader(store)
    offered = formats_for("download")
    forked = [fmt for fmt in offered if fmt.kind == "graph"] if parallel else []
    with staging_directory(directory) as staged, ExitStack() as background:
        downloads_dir = staged / DOWNLOADS_DIR
        downloads_dir.mkdir()
        pending = (
            background.enter_context(
                downloads_in_parallel(store, forked, downloads_dir, base=base, exported=exported)
            )
            if forked
            else None
        )
        if alongside is not None:
            alongside()
        with stages.stage("figures"):
            taxonomy = read_taxonomy(reader)
            counts, facet_counts = read_counts(reader), read_facet_counts(reader)
            coverage = read_coverage(reader, taxonomy)
        with stages.stage("catalogue"):
            write_catalogue_of(reader, staged / CATALOGUE_FILE, base=base)
        with stages.stage("downloads", total=len(offered), unit=" files") as bar:
            downloads = {}
            for fmt in offered:
                if fmt not in forked:
                    downloads[fmt.file_name] = write_download(
                        store, fmt, downloads_dir, base=base, exported=exported.get(fmt.file_name)
                    )
                    bar.update()
            if pending is not None:
                downloads.update(pending.result())
                bar.update(len(forked))
                log.debug("the forked process wrote the graph downloads in %.1f s", pending.seconds)
        with stages.stage("documents"):
            documents = build_documents(
                base=base,
                reader=reader,
                downloads=downloads.values(),
                ontology_html=pending.ontology_html if pending is not None else None,
            )
        figures = SiteFigures(
            taxonomy=taxonomy,
            counts=counts,
            facet_counts=facet_counts,
            coverage=coverage,
            downloads={name: downloads[name] for name in sorted(downloads)},
            documents=documents,
        )
        metadata = SiteMetadata(version=__version__, base=base, triples=len(store))
        with (staged / FIGURES_FILE).open("wb") as file:
            pickle.dump(figures, file, protocol=pickle.HIGHEST_PROTOCOL)
        (staged / METADATA_FILE).write_text(json.dumps(asdict(metadata), indent=2) + "\n", encoding="utf-8")
    return metadata
