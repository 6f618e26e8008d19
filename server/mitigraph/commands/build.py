"""`mitigraph build`: validate the graph, then write every export and the dataset description."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click
from rdflib import Graph

from mitigraph.commands.validate import report_as_text
from mitigraph.dataset_description import Distribution, count_dataset, describe_dataset
from mitigraph.export import EXPORT_FORMATS, to_turtle
from mitigraph.loader import GraphLoadError, load_project, load_shapes
from mitigraph.settings import Settings
from mitigraph.store import disk_store
from mitigraph.validation import validate_graph

EXIT_VIOLATIONS = 1
EXIT_UNREADABLE = 2
DESCRIPTION_FILE = "void.ttl"


@click.command(name="build")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Directory to write the exports and the dataset description into.",
)
@click.option(
    "--graph",
    "graph_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Build from these RDF files instead of the project's ontology and data (repeatable).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the validated graph as an on-disk Oxigraph store, for `mitigraph serve --store DIR`.",
)
def command(out_dir: Path, graph_files: tuple[Path, ...], store_dir: Path | None) -> None:
    """Load and validate the graph; if it conforms, write it in every format with its dataset description.

    Nothing is written when the graph has violations (exit 1) or a file cannot be read (exit 2). The files
    are written to a temporary directory first and moved into place only when all are complete.
    """
    settings = Settings(graph_files=graph_files)
    try:
        loaded = load_project(base=settings.base, graph_files=settings.graph_files)
        shapes = load_shapes()
    except GraphLoadError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error
    report = validate_graph(loaded.graph, shapes=shapes, origins=loaded, base=settings.base)
    if not report.conforms:
        click.echo(report_as_text(report, loaded=loaded, base=settings.base))
        click.echo(f"Nothing written to {out_dir}: fix the violations above first.", err=True)
        raise SystemExit(EXIT_VIOLATIONS)
    distributions = [
        Distribution(
            file_name=export_format.file_name(),
            media_type=export_format.media_type,
            title=export_format.title,
            content=export_format.serialize(loaded.graph),
        )
        for export_format in EXPORT_FORMATS.values()
    ]
    description = describe_dataset(loaded.graph, distributions=distributions, base=settings.base)
    files = {item.file_name: item.content for item in distributions}
    files[DESCRIPTION_FILE] = to_turtle(description)
    try:
        publish_directory(files, out_dir=out_dir)
        if store_dir is not None:
            replace_store(loaded.graph, store_dir=store_dir, base=settings.base)
    except OSError as error:
        click.echo(f"error: cannot write to {store_dir or out_dir}: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error
    counts = count_dataset(loaded.graph)
    entities = ", ".join(f"{number} {name}" for name, number in counts.entities.items())
    click.echo(f"Built the graph: {counts.triples} triples; {entities}.")
    click.echo(f"Validation: conforms, {len(report.warnings)} warning(s) (see `mitigraph validate`).")
    click.echo(f"Wrote {', '.join(files)} to {out_dir}/")
    if store_dir is not None:
        click.echo(
            f"Wrote the Oxigraph store and its site cache to {store_dir}/ "
            f"(serve it with `mitigraph serve --store {store_dir}`)"
        )


def publish_directory(files: dict[str, bytes], *, out_dir: Path) -> Path:
    """Write all `files` into a temporary sibling of `out_dir`, then move them into place.

    A new `out_dir` appears in one rename. An existing one keeps its other files (it may be a directory the
    user chose); each of ours replaces its old version in one rename, after every file has been written.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out_dir.name}.build-"))
    try:
        built = staging / out_dir.name
        built.mkdir()
        for name, content in files.items():
            (built / name).write_bytes(content)
        if not out_dir.exists():
            os.replace(built, out_dir)
            return out_dir
        for name in files:
            os.replace(built / name, out_dir / name)
    finally:
        shutil.rmtree(staging)
    return out_dir


def replace_store(graph: Graph, *, store_dir: Path, base: str) -> Path:
    """Write the store beside `store_dir`, then swap it in: a reader never sees a half-written store.

    The store directory carries its site cache (mitigraph.site_cache), so the two are swapped in together.
    """
    store_dir = Path(store_dir)
    parent = store_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{store_dir.name}.build-"))
    try:
        built = disk_store(graph, staging / store_dir.name, base=base)
        if store_dir.exists():
            os.replace(store_dir, staging / "previous")
        os.replace(built, store_dir)
    finally:
        shutil.rmtree(staging)
    return store_dir
