"""`mitigraph export`: the ontology and the data in one RDF format, to stdout or a file."""

from __future__ import annotations

from pathlib import Path

import click

from mitigraph.alignments import AlignmentError
from mitigraph.export import EXPORT_FORMATS, export_graph, write_atomically
from mitigraph.loader import GraphLoadError, load_project
from mitigraph.settings import Settings
from mitigraph.sssom import SssomError

EXIT_UNREADABLE = 2


@click.command(name="export")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="turtle",
    show_default=True,
    help="RDF format to write.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="File to write (replaced atomically); stdout when omitted.",
)
def command(format_name: str, output: Path | None) -> None:
    """Export the ontology and the data as one graph."""
    settings = Settings()
    try:
        loaded = load_project(base=settings.base)
    except GraphLoadError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error
    try:
        content = export_graph(loaded.graph, format_name=format_name)
    except (AlignmentError, SssomError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error
    if output is None:
        click.echo(content, nl=False)
        return
    try:
        write_atomically(output, content)
    except OSError as error:
        click.echo(f"error: cannot write {output}: {error.strerror}", err=True)
        raise SystemExit(EXIT_UNREADABLE) from error
    click.echo(
        f"Wrote {len(loaded.graph)} triples as {EXPORT_FORMATS[format_name].title} to {output}", err=True
    )
