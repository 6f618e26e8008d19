"""The command line of the benchmark runner, and the options that bound a run."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    concurrency: tuple[int, ...]
    seconds: float
    max_requests: int
    request_timeout: float
    rdflib_max_size: int
    pyshacl_max_size: int
    graph_start_max_size: int
    queries: tuple[str, ...]
    variants: tuple[str, ...]
    """Extra `serve --store` option strings, each measured as one more column beside the default server."""
    profile_seconds: float
    seed: int
    keep: bool
    http_only: bool
    update_readme: bool


def parse_options(argv: Sequence[str] | None, *, description: str | None) -> Options:
    """The options of `python -m tests.benchmarks.run` (`description`: its usage text)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="2000,100000", help="Comma-separated mitigation counts (default 2000,100000)."
    )
    parser.add_argument("--concurrency", default="1,8", help="Comma-separated client concurrencies.")
    parser.add_argument("--seconds", type=float, default=3.0, help="Time bound of one load cell.")
    parser.add_argument("--max-requests", type=int, default=2000, help="Count bound of one load cell.")
    parser.add_argument("--request-timeout", type=float, default=120.0)
    parser.add_argument("--rdflib-max-size", type=int, default=20000, help="Largest N run through rdflib.")
    parser.add_argument(
        "--pyshacl-max-size", type=int, default=2000, help="Largest N validated with pySHACL."
    )
    parser.add_argument(
        "--graph-start-max-size", type=int, default=2000,
        help="Largest N at which `serve --graph` (load + validate at start) is timed.",
    )  # fmt: skip
    parser.add_argument(
        "--queries", default="", help="Comma-separated prefixes of queries/*.ttl names (default all)."
    )
    parser.add_argument(
        "--variant", action="append", default=[], metavar="OPTIONS",
        help="Also measure `serve --store` with these options (e.g. '--workers 1'), as one more column; "
        "repeatable. The targets hold the default configuration only.",
    )  # fmt: skip
    parser.add_argument(
        "--profile-seconds", type=float, default=8.0,
        help="Seconds py-spy records Mitigraph answering the lookup at each size (0: no profile).",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the generated files, stores and logs.")
    parser.add_argument(
        "--http-only", action="store_true", help="Skip the in-process and validation timings."
    )
    parser.add_argument(
        "--update-readme", action="store_true",
        help="Copy the targets table and the profile into README.md at the end.",
    )  # fmt: skip
    args = parser.parse_args(argv)
    return Options(
        sizes=tuple(int(size) for size in args.sizes.split(",")),
        concurrency=tuple(int(c) for c in args.concurrency.split(",")),
        seconds=args.seconds,
        max_requests=args.max_requests,
        request_timeout=args.request_timeout,
        rdflib_max_size=args.rdflib_max_size,
        pyshacl_max_size=args.pyshacl_max_size,
        graph_start_max_size=args.graph_start_max_size,
        queries=tuple(prefix for prefix in args.queries.split(",") if prefix),
        variants=tuple(args.variant),
        profile_seconds=args.profile_seconds,
        seed=args.seed,
        keep=args.keep,
        http_only=args.http_only,
        update_readme=args.update_readme,
    )
