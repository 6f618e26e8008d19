"""`mitigraph export`."""

import click


@click.command(name="export")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph export is not implemented yet")
