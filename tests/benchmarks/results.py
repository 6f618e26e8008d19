"""What one benchmark run measured, size by size: the data the runner fills in and the renderers
(`rendering`, `targets`, `profiling`) print, and the names of the servers it compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.benchmarks.loadgen import LoadResult
    from tests.benchmarks.measures import Timed, ValidationTiming
    from tests.benchmarks.profiling import Profile

MITIGRAPH = "Mitigraph (--store)"
"""`mitigraph serve --store DIR` with every option at its default: the server the targets are held to."""
MITIGRAPH_GRAPH = "Mitigraph (--graph)"
OXIGRAPH = "Oxigraph server"
OXIGRAPH_DISK = "Oxigraph server (on-disk store)"
RDFLIB = "rdflib-endpoint"
LOOKUP_LABEL = "One record's properties (lookup)"
LARGE = 100_000
"""From this size on the large-graph targets apply (0.8x, memory, start from a store) and the load is
bounded more tightly."""
MIB = 1024 * 1024


@dataclass
class HttpCell:
    server: str
    query: str
    result: LoadResult


@dataclass(frozen=True)
class Start:
    """A server's start-up and memory, as seen once its load tests were done."""

    first_answer: float
    """Seconds from the spawn to the first answered query (the one-record lookup)."""
    settled: float
    """Seconds from the spawn until its process tree went idle."""
    peak_bytes: int
    """Peak summed RSS of its process tree, start-up and every load test included."""


@dataclass
class SizeReport:
    size: int
    triples: int = 0
    setup: dict[str, float] = field(default_factory=dict)
    in_process: dict[str, dict[str, Timed]] = field(default_factory=dict)
    validation: list[ValidationTiming] = field(default_factory=list)
    http: list[HttpCell] = field(default_factory=list)
    starts: dict[str, Start] = field(default_factory=dict)
    pages: dict[str, LoadResult] = field(default_factory=dict)
    profile: Profile | None = None
    notes: list[str] = field(default_factory=list)
