"""`mitigraph serve`."""

import click


@click.command(name="serve")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph serve is not implemented yet")
