"""`mitigraph publish`."""

import click


@click.command(name="publish")
def command() -> None:
    """Not yet implemented."""
    raise click.ClickException("mitigraph publish is not implemented yet")
