"""`mitigraph build`."""

import click


@click.command(name="build")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph build is not implemented yet")
