"""The `mitigraph` command. Each subcommand lives in its own module under `mitigraph.commands`."""

from __future__ import annotations

import click

from mitigraph import __version__
from mitigraph.commands import build, export, generate, import_pages, publish, query, serve, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mitigraph")
def main() -> None:
    """Mitigraph: a linked, validated knowledge graph of AI-risk mitigations."""


for command in (
    validate.command,
    export.command,
    build.command,
    query.command,
    import_pages.command,
    serve.command,
    generate.command,
    publish.command,
):
    main.add_command(command)
