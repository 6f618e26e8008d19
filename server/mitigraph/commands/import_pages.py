"""`mitigraph import`."""

import click


@click.command(name="import")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph import is not implemented yet")
