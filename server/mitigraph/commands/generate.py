"""`mitigraph generate`."""

import click


@click.command(name="generate")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph generate is not implemented yet")
