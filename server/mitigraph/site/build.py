"""Writing a store for serving: the on-disk Oxigraph store of the published graph, then its site, in one
directory that replaces any previous one whole (`build --store`, and `serve`'s temporary store).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rdflib import Graph

from mitigraph.files import staging_directory
from mitigraph.progress import Stages
from mitigraph.site.layout import SiteMetadata, site_dir
from mitigraph.site.writing import write_site_of
from mitigraph.store import GraphSource, memory_store, write_disk_store


def write_store(
    source: GraphSource,
    directory: Path,
    *,
    base: str,
    stages: Stages | None = None,
    exported: Mapping[str, Path] | None = None,
) -> SiteMetadata:
    """Write the triples of `source` (the loader's in-memory Oxigraph store, or an rdflib graph) as an
    on-disk store at `directory`, with its site inside it; a reader of `directory` never sees half of either.

    The site is computed from the in-memory store rather than from its on-disk copy: they hold the same
    triples, and the in-memory one reads several times faster. The graph downloads are written by a forked
    process while this one writes the on-disk store and the figures (mitigraph.site.parallel_downloads).
    `exported`: files `build` already wrote from `source` in download formats, by file name (`mitigraph.ttl`
    -> its path), copied into the site rather than serialised again.
    """
    stages = stages if stages is not None else Stages()
    readable = memory_store(source) if isinstance(source, Graph) else source
    with staging_directory(directory) as staged:

        def write_the_store() -> None:
            with stages.stage("store"):
                write_disk_store(readable, staged)

        metadata = write_site_of(
            readable,
            site_dir(staged),
            base=base,
            stages=stages,
            parallel=True,
            alongside=write_the_store,
            exported=exported,
        )
    return metadata
