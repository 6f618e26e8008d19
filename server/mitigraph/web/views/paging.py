"""Paging through a listing: which page a request asks for, what it shows, and the links to the others.

The page number is read by `kinds.page_number` (the one reader of `?page=`); a number past the listing's
last page is a 404 that says how many pages there are. Links keep the request's other parameters (the
search text), so a pager works the same on a category page and on the search results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import abort, request

from mitigraph.web.page_queries import MAX_LISTED
from mitigraph.web.views.kinds import MAX_PAGES, page_number
from mitigraph.web.views.responses import not_found

NEIGHBOURS = 2
"""Page numbers linked on either side of the current one (the first and last are always linked)."""


@dataclass(frozen=True)
class PageLink:
    text: str
    href: str
    current: bool = False
    rel: str = ""


@dataclass(frozen=True)
class Paging:
    """One page of a listing of `total` entities, `size` a page."""

    page: int
    total: int
    size: int = MAX_LISTED
    total_is_exact: bool = True
    """False when `total` is only a lower bound (a search counts matches up to a limit)."""

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, min(math.ceil(self.total / self.size), MAX_PAGES))

    @property
    def first(self) -> int:
        """The position (from 1) of the first entity on this page."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def cut(self) -> bool:
        """Whether some entities lie past the last page a listing shows (the endpoint lists them all)."""
        return self.total > MAX_PAGES * self.size or not self.total_is_exact

    def range_text(self, singular: str, plural: str) -> str:
        """What this page shows, for the reader: "Records 51–100 of 312", or "3 records" on one page."""
        of = f"{self.total:,}" if self.total_is_exact else f"more than {self.total:,}"
        if self.total == 0:
            return f"No {plural}"
        if self.pages == 1 and self.total_is_exact:
            return f"{self.total:,} {singular if self.total == 1 else plural}"
        return f"{plural[:1].upper()}{plural[1:]} {self.first:,}–{self.last:,} of {of}"

    def links(self) -> list[PageLink]:
        """First, previous, the numbers around this page (gaps as "…"), next, last; empty for one page."""
        if self.pages == 1:
            return []
        links: list[PageLink] = []
        if self.page > 1:
            links += [
                PageLink("First", page_href(1), rel="first"),
                PageLink("Previous", page_href(self.page - 1), rel="prev"),
            ]
        shown = sorted({1, self.pages, *range(self.page - NEIGHBOURS, self.page + NEIGHBOURS + 1)})
        previous = 0
        for number in (n for n in shown if 1 <= n <= self.pages):
            if number > previous + 1:
                links.append(PageLink("…", ""))
            links.append(PageLink(str(number), page_href(number), current=number == self.page))
            previous = number
        if self.page < self.pages:
            links += [
                PageLink("Next", page_href(self.page + 1), rel="next"),
                PageLink("Last", page_href(self.pages), rel="last"),
            ]
        return links


def requested_page() -> int:
    """The page number this request asks for (400 when `?page=` is not one)."""
    return page_number(request.args.get("page"))


def paging(total: int, *, total_is_exact: bool = True) -> Paging:
    """The page of a `total`-entity listing this request asks for; a page past the last one is a 404."""
    found = Paging(page=requested_page(), total=total, total_is_exact=total_is_exact)
    if found.page > found.pages:
        pages = f"{found.pages} page" + ("s" if found.pages != 1 else "")
        abort(not_found(f"there is no page {found.page} of this listing: it has {pages}"))
    return found


def page_href(number: int) -> str:
    """This address with `?page=number` (no page parameter for the first), other parameters kept."""
    parameters = [(name, value) for name, value in request.args.items(multi=True) if name != "page"]
    if number > 1:
        parameters.append(("page", str(number)))
    return "?" + urlencode(parameters) if parameters else request.path
