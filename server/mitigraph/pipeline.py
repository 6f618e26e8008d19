"""Load, then validate: the one way every command and the server get a graph they may publish.

Files are streamed into an in-memory Oxigraph store (`mitigraph.loader`), and the store is checked against
the shapes (`mitigraph.validation`, pyshacl-turbo) without rdflib ever holding the triples, so 100,000
mitigations (1.08 million triples) load and validate in about half a minute. A graph with violations is
never returned: `GraphInvalid` carries the report and the loaded graph, so a command can say what is wrong
and where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mitigraph.loader import LoadedGraph, files_with_reference, load_files, load_shapes, published_files
from mitigraph.progress import Stages
from mitigraph.settings import Settings
from mitigraph.validation import ValidationReport, validate_graph


@dataclass(frozen=True)
class CheckedGraph:
    """A loaded graph and its validation report (None when validation was turned off)."""

    loaded: LoadedGraph
    report: ValidationReport | None


class GraphInvalid(Exception):
    """The graph does not conform to the shapes; `report` holds every violation, `loaded` the graph."""

    def __init__(self, report: ValidationReport, *, loaded: LoadedGraph) -> None:
        self.report = report
        self.loaded = loaded
        super().__init__(f"the graph does not conform to the shapes: {len(report.violations)} violation(s)")


def load_and_validate(
    *,
    base: str,
    files: Sequence[Path] = (),
    with_reference: bool = False,
    validate: bool = True,
    stages: Stages | None = None,
) -> CheckedGraph:
    """Load `files` (the project's ontology and data when none are given) and validate them.

    `with_reference` adds the ontology, the taxonomy and the facet values the files refer to, as
    `mitigraph validate FILE` does. The stages "load" (a bar counting files) and "validate" are timed in
    `stages`. Raises `GraphLoadError` for an unreadable file and `GraphInvalid` for violations; warnings are
    in the returned report.
    """
    stages = stages if stages is not None else Stages()
    paths = files_with_reference(files) if with_reference else published_files(files)
    with stages.stage("load", total=len(paths), unit=" files") as bar:
        loaded = load_files(paths, base=base, on_file=lambda _path: bar.update())
    if not validate:
        return CheckedGraph(loaded=loaded, report=None)
    with stages.stage("validate"):
        report = validate_graph(loaded.store, shapes=load_shapes(), origins=loaded, base=base)
    if not report.conforms:
        raise GraphInvalid(report, loaded=loaded)
    return CheckedGraph(loaded=loaded, report=report)


def load_published(settings: Settings, *, stages: Stages | None = None) -> CheckedGraph:
    """The graph the server publishes (`--graph` files or the project's), validated unless
    `--no-validate`."""
    return load_and_validate(
        base=settings.base, files=settings.graph_files, validate=settings.validate, stages=stages
    )
