"""`mitigraph generate`: write a synthetic graph shaped like ours, for benchmarks and scale tests."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from mitigraph.loader import GraphLoadError
from mitigraph.synthetic import GenerationError, generate, rdf_format_for


@click.command(name="generate")
@click.option(
    "--mitigations", "-n", type=click.IntRange(min=1), required=True, help="How many mitigations to generate."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write; .nt writes N-Triples, .ttl Turtle.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same file.")
def command(*, mitigations: int, output: Path, seed: int) -> None:
    """Write a synthetic graph of N mitigations (about 11 triples each) that streams to disk.

    Categories and facet values are the project's own; sources, authors, limitations and curated links
    are made up, deterministically for a seed.
    """
    try:
        rdf_format_for(output)
    except GenerationError as error:
        raise click.BadParameter(str(error), param_hint="--output") from error
    bar = tqdm(total=mitigations, unit=" mitigations", file=sys.stderr, disable=not sys.stderr.isatty())

    def advance(written: int) -> None:
        bar.update(written - bar.n)

    try:
        result = generate(output, mitigations=mitigations, seed=seed, on_progress=advance)
    except (GenerationError, GraphLoadError) as error:
        raise _fail(bar, str(error)) from error
    except OSError as error:
        raise _fail(bar, f"cannot write {output}: {error.strerror}") from error
    bar.close()
    click.echo(f"Wrote {result.mitigations} mitigations ({result.triples} triples) to {result.path}")


def _fail(bar: tqdm, message: str) -> SystemExit:
    bar.close()
    click.echo(f"Error: {message}", err=True)
    return SystemExit(2)
