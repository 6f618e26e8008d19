"""Copy the targets table of a benchmark run's output into the README's performance section.

    python -m tests.benchmarks.run --sizes 2000,100000 > benchmark.md
    python -m tests.benchmarks.readme_table benchmark.md        (or: run with --update-readme)

The table sits between the markers of tests.benchmarks.targets in both files; nothing else of the README
is touched, so the figures there are always the ones a run printed, never typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.benchmarks.targets import END_MARKER, START_MARKER

README = Path(__file__).resolve().parents[2] / "README.md"


class MarkersMissing(ValueError):
    """A text lacks the pair of markers around the targets table."""


def between_markers(text: str, *, what: str) -> tuple[int, int]:
    """Where the targets block (markers included) starts and ends in `text`."""
    start = text.find(START_MARKER)
    end = text.find(END_MARKER, start + 1)
    if start < 0 or end < 0:
        raise MarkersMissing(f"{what} has no targets block ({START_MARKER!r} ... {END_MARKER!r})")
    return start, end + len(END_MARKER)


def update_readme(output: str, *, readme: Path = README) -> None:
    """Replace the README's targets block with the one in a run's `output`."""
    start, end = between_markers(output, what="the benchmark output")
    text = readme.read_text(encoding="utf-8")
    old_start, old_end = between_markers(text, what=str(readme))
    readme.write_text(text[:old_start] + output[start:end] + text[old_end:], encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.benchmarks.readme_table BENCHMARK_OUTPUT.md", file=sys.stderr)
        return 2
    try:
        update_readme(Path(argv[0]).read_text(encoding="utf-8"))
    except (OSError, MarkersMissing) as error:
        print(f"cannot update the README: {error}", file=sys.stderr)
        return 2
    print(f"updated the targets table of {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
