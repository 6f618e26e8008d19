"""`mitigraph query`."""

import click


@click.command(name="query")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph query is not implemented yet")
