"""`mitigraph validate`."""

import click


@click.command(name="validate")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph validate is not implemented yet")
