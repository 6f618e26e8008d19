"""`mitigraph export`: the ontology and the data (or the given files) in one format, streamed from the store
to stdout or a file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from pyoxigraph import Store
from tqdm import tqdm

from mitigraph.alignments import AlignmentError
from mitigraph.commands.outcome import fail
from mitigraph.exit_codes import ExitCode
from mitigraph.files import write_atomically
from mitigraph.formats import Format, UnknownFormat, format_named, formats_for, write_export
from mitigraph.loader import GraphLoadError
from mitigraph.outputs import BinaryOutput
from mitigraph.pipeline import load_and_validate
from mitigraph.progress import Stages
from mitigraph.settings import Settings
from mitigraph.sssom import SssomError

EXPORT_FORMATS = formats_for("export")
FC = TypeVar("FC", bound=Callable[..., object])


def export_format(_context: click.Context, _parameter: click.Parameter, value: str) -> Format:
    """The `--format` option: a format's name or alias (`ttl`, `nt`...), else a usage error naming them."""
    try:
        return format_named(value, among=EXPORT_FORMATS)
    except UnknownFormat as error:
        names = ", ".join(fmt.name for fmt in EXPORT_FORMATS)
        raise click.BadParameter(f"{value!r} is not a format; use one of {names}") from error


def graph_files_option(verb: str) -> Callable[[FC], FC]:
    """`--graph FILE` (repeatable): the files to `verb` from instead of the project's ontology and data."""
    return click.option(
        "--graph",
        "graph_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=f"{verb} these RDF files instead of the project's ontology and data (repeatable).",
    )


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    default="turtle",
    show_default=True,
    callback=export_format,
    metavar="FORMAT",
    help="Format to write: " + ", ".join(fmt.name for fmt in EXPORT_FORMATS) + ".",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="File to write (replaced atomically); stdout when omitted.",
)
@graph_files_option("Export")
def command(fmt: Format, output: Path | None, graph_files: tuple[Path, ...]) -> None:
    """Export the ontology and the data (or the given files) as one graph, without validating it."""
    settings = Settings(graph_files=graph_files)
    stages = Stages()
    try:
        loaded = load_and_validate(
            base=settings.base, files=settings.graph_files, validate=False, stages=stages
        ).loaded
    except GraphLoadError as error:
        fail(error)
    try:
        if output is None:
            with stages.stage(fmt.name):
                write_export(fmt, loaded.store, sys.stdout.buffer, base=settings.base)
        else:
            export_file(fmt, loaded.store, output, base=settings.base, stages=stages)
    except (AlignmentError, SssomError) as error:
        fail(error)
    except BrokenPipeError:
        stop_quietly()
    except OSError as error:
        fail(f"cannot write {output or 'to stdout'}: {error.strerror or error}")
    what = f"{loaded.triples} triples as {fmt.title}"
    if fmt.kind != "graph":
        what = f"the {fmt.title} of {loaded.triples} triples"
    click.echo(f"Wrote {what} to {output or 'stdout'} ({stages.summary()})", err=True)


def stop_quietly() -> NoReturn:
    """The reader of stdout went away (`| head`): nothing more to say, and nothing is wrong here."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(ExitCode.OK)


def export_file(fmt: Format, store: Store, path: Path, *, base: str, stages: Stages) -> Path:
    """Write `fmt` of the store's graph to `path` (replaced atomically), timed as the stage `fmt.name`
    with a bar counting the bytes written."""
    with stages.stage(fmt.name, unit="B", scale=True) as bar:

        def writer(stream: BinaryOutput) -> None:
            write_export(fmt, store, CountingStream(stream, bar), base=base)

        return write_atomically(path, writer)


class CountingStream:
    """A binary stream that moves a progress bar by the bytes written through it."""

    def __init__(self, stream: BinaryOutput, bar: tqdm) -> None:
        self._stream = stream
        self._bar = bar

    def write(self, data: bytes) -> int | None:
        written = self._stream.write(data)
        self._bar.update(len(data))
        return written

    def flush(self) -> None:
        self._stream.flush()
