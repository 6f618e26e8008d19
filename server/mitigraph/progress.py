"""Progress on long work, the one way: a bar per stage on a terminal, nothing in logs or pipes, and the
time each stage took for the summary line.

    stages = Stages()
    with stages.stage("load", total=len(files), unit=" files") as bar:
        for path in files:
            ...
            bar.update()
    click.echo(stages.summary())   # "load 1.2 s, validate 3.4 s"
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from tqdm import tqdm

REFRESH_SECONDS = 0.5
"""How often a shown stage bar is redrawn when the work itself reports nothing."""


def on_terminal(stream: TextIO | None = None) -> bool:
    """Bars are drawn only for a person watching: stderr is a terminal and this is not a CI run."""
    stream = stream or sys.stderr
    return stream.isatty() and not os.environ.get("CI")


def progress_bar(
    *, description: str, total: float | None = None, unit: str = "it", scale: bool = False
) -> tqdm:
    """A bar on stderr, hidden when nobody watches (see `on_terminal`); use as a context manager."""
    return tqdm(
        total=total,
        desc=description,
        unit=unit,
        unit_scale=scale,
        file=sys.stderr,
        disable=not on_terminal(),
        leave=False,
        dynamic_ncols=True,
    )


@dataclass
class Stages:
    """Named stages of one long command, each timed and shown with its own bar."""

    timings: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def stage(
        self, name: str, *, total: float | None = None, unit: str = "it", scale: bool = False
    ) -> Iterator[tqdm]:
        started = time.monotonic()
        with progress_bar(description=name, total=total, unit=unit, scale=scale) as bar, _ticking(bar):
            yield bar
        self.timings.append((name, time.monotonic() - started))

    def summary(self) -> str:
        """`load 1.2 s, validate 3.4 s, ...` in the order the stages ran."""
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.timings)

    @property
    def total_seconds(self) -> float:
        return sum(seconds for _, seconds in self.timings)


@contextmanager
def _ticking(bar: tqdm) -> Iterator[None]:
    """Redraw a shown bar every REFRESH_SECONDS while its stage runs, so a stage that reports no progress
    of its own (a validation, a store write) still shows its time going up rather than looking stuck."""
    if bar.disable:
        yield
        return
    finished = threading.Event()

    def tick() -> None:
        while not finished.wait(REFRESH_SECONDS):
            bar.refresh()

    ticker = threading.Thread(target=tick, name="progress-ticker", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        finished.set()
        ticker.join()
