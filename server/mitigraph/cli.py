"""The `mitigraph` command. Each subcommand lives in its own module under `mitigraph.commands`.

Subcommands are imported only when they run (click's lazy-loading pattern): the server's worker and query
processes start from this entry point too, and must not pay for importing every command's libraries.
"""

from __future__ import annotations

import importlib
import logging

import click

from mitigraph import __version__

COMMAND_MODULES = {
    "validate": "validate",
    "export": "export",
    "build": "build",
    "query": "query",
    "import": "import_pages",
    "serve": "serve",
    "generate": "generate",
    "publish": "publish",
}
"""Command name -> module under mitigraph.commands (each exposes `command`)."""


class LazyCommands(click.Group):
    """A group whose subcommands are imported when listed in --help or invoked, not at start."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        quiet_library_logging()  # before the command's libraries are imported: click resolves it first
        command: click.Command = importlib.import_module(f"mitigraph.commands.{module_name}").command
        return command


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mitigraph")
def main() -> None:
    """Mitigraph: a linked, validated knowledge graph of AI-risk mitigations."""


LIBRARY_LOG_LEVEL = logging.WARNING
"""What libraries may print on a command's stderr: warnings and errors, not their INFO/DEBUG chatter
(`serve --verbose` shows their INFO lines)."""
LIBRARY_LOG_FORMAT = "%(levelname)s: %(name)s: %(message)s"


def quiet_library_logging() -> None:
    """Give the root logger a handler at WARNING before any library is imported, so a library that calls
    `logging.basicConfig(level=DEBUG)` on import (pyLODE does) finds it configured and changes nothing."""
    logging.basicConfig(level=LIBRARY_LOG_LEVEL, format=LIBRARY_LOG_FORMAT)
