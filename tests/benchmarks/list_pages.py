"""Word search and the filterable list, timed over HTTP against the served site like the other pages: the
addresses the benchmark asks for, and the target their median latency is held to (issue 12: p50 under
50 ms at N = 100,000).

The synthetic graph's texts are made of a few hundred words, so "adversarial" matches about a quarter of
the records: a harder search than a real catalogue's typical one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.benchmarks.results import SizeReport

THREE_FILTERS = "/mitigations?category=1.1&stage=build-and-use-model&actor=developer"
"""The navigator's question: Developer mitigations at Build and Use Model in 1.1."""
LIST_PAGE_PATHS = (
    ("search, a phrase", "/search?q=%22red+teaming%22", "text/html"),
    ("list, everything", "/mitigations", "text/html"),
    ("list, three filters", THREE_FILTERS, "text/html"),
    ("list, words and a filter", "/mitigations?q=adversarial&stage=deploy", "text/html"),
    ("list, page 20 by code", "/mitigations?sort=code&page=20", "text/html"),
    ("list as JSON, three filters", THREE_FILTERS, "application/json"),
)
"""Pages of the list and the search every synthetic size has (real categories and facet values)."""
SEARCH_AND_LIST = ("search", "list")
P50_SECONDS = 0.050


def search_and_list_target(report: SizeReport) -> tuple[str, str, bool] | None:
    """The search and list pages' slowest median against the target: (target, measured, holds), or None
    when none was timed."""
    timed = {
        name: result.p50
        for name, result in report.pages.items()
        if name.startswith(SEARCH_AND_LIST) and result.p50 is not None and not result.failures
    }
    if not timed:
        return None
    slowest = max(timed, key=lambda name: timed[name] or 0.0)
    worst = timed[slowest] or 0.0
    measured = f"slowest p50 {worst * 1000:.1f} ms ({slowest}); {len(timed)} pages"
    return f"search and list p50 < {P50_SECONDS * 1000:.0f} ms", measured, worst < P50_SECONDS
