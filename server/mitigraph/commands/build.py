"""`mitigraph build`: validate the graph, then write every export and the dataset description (and, with
`--store`, the on-disk store and its site)."""

from __future__ import annotations

from pathlib import Path

import click
from pyoxigraph import Store

from mitigraph.commands.export import CountingStream, graph_files_option
from mitigraph.commands.outcome import fail
from mitigraph.dataset_description import Distribution, count_dataset, describe_dataset
from mitigraph.exit_codes import ExitCode
from mitigraph.files import staging_files
from mitigraph.formats import Format, formats_for, write_export
from mitigraph.loader import GraphLoadError
from mitigraph.pipeline import GraphInvalid, load_and_validate
from mitigraph.progress import Stages
from mitigraph.reporting import report_as_text
from mitigraph.settings import Settings
from mitigraph.site import write_store

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
@graph_files_option("Build from")
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
    are written to a temporary directory first and moved into place only when all are complete; other
    files in the output directory are left as they are.
    """
    settings = Settings(graph_files=graph_files)
    stages = Stages()
    try:
        checked = load_and_validate(base=settings.base, files=settings.graph_files, stages=stages)
    except GraphLoadError as error:
        fail(error)
    except GraphInvalid as invalid:
        click.echo(report_as_text(invalid.report, loaded=invalid.loaded, base=settings.base))
        click.echo(f"Nothing written to {out_dir}: fix the violations above first.", err=True)
        raise SystemExit(ExitCode.INVALID) from invalid
    assert checked.report is not None, "build always validates"
    store = checked.loaded.store
    try:
        written = write_build(store, out_dir, base=settings.base, stages=stages, store_dir=store_dir)
    except OSError as error:
        fail(f"cannot write to {store_dir or out_dir}: {error}")
    counts = count_dataset(store)
    entities = ", ".join(f"{number} {name}" for name, number in counts.entities.items())
    click.echo(f"Built the graph: {counts.triples} triples; {entities}.")
    click.echo(f"Validation: conforms, {len(checked.report.warnings)} warning(s) (see `mitigraph validate`).")
    click.echo(f"Wrote {', '.join(written)} to {out_dir}/")
    if store_dir is not None:
        click.echo(
            f"Wrote the Oxigraph store and its site to {store_dir}/ "
            f"(serve it with `mitigraph serve --store {store_dir}`)"
        )
    click.echo(f"Stages: {stages.summary()}.")


def write_build(
    store: Store, out_dir: Path, *, base: str, stages: Stages, store_dir: Path | None = None
) -> list[str]:
    """Every export of the store's graph, then its dataset description, into `out_dir` (the files replace
    their namesakes only when all are written), and the on-disk store with its site into `store_dir` when
    given (its downloads copied from the exports just written); the names of the files written, in order."""
    with staging_files(out_dir) as staged:
        distributions = [
            write_one(fmt, store, staged, base=base, stages=stages) for fmt in formats_for("export")
        ]
        with stages.stage("description"):
            description = describe_dataset(store, distributions=distributions, base=base)
            (staged / DESCRIPTION_FILE).write_bytes(description.serialize(format="turtle", encoding="utf-8"))
        if store_dir is not None:
            exported = {item.file_name: staged / item.file_name for item in distributions}
            write_store(store, store_dir, base=base, stages=stages, exported=exported)
    return [*(item.file_name for item in distributions), DESCRIPTION_FILE]


def write_one(fmt: Format, store: Store, directory: Path, *, base: str, stages: Stages) -> Distribution:
    """One export into `directory` (a bar counting its bytes), described as a distribution: size, SHA-256."""
    path = directory / fmt.file_name
    with stages.stage(fmt.name, unit="B", scale=True) as bar, path.open("wb") as stream:
        write_export(fmt, store, CountingStream(stream, bar), base=base)
    return Distribution.of_file(path, media_type=fmt.media_type, title=fmt.title)
