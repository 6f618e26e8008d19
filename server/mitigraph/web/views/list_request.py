"""What a request to the filterable list asks for, read from its query parameters, and the addresses of the
list's other states: the URL is the state, so every choice is a link and every page a permalink.

Parameters: `category` (a code), `stage`, `actor`, `function`, `source` (IRI slugs), each repeatable (any of
the values); `q` (words); `incomplete` (`true` / `false`); `sort` (`relevance`, `label`, `code`); `page`.
Empty values are what a form sends for "any" and are ignored, as are parameters the list does not know. A
bad value is a 400 naming the parameter (werkzeug's BadRequest, written by the error handler).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from mitigraph.site.catalogue import FACETS, SORTS, Catalogue, CatalogueQueryError, Filters
from mitigraph.site.catalogue_text import MAX_FILTER_VALUES, MAX_QUERY_CHARACTERS

LIST_PATH = "/mitigations"
DEFAULT_SORT = SORTS[0]
INCOMPLETE_VALUES = {"true": True, "false": False}
SHOWN_VALUE_CHARACTERS = 40
"""How much of a refused value an error message repeats."""


@dataclass(frozen=True)
class ListRequest:
    filters: Filters
    sort: str

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the list (a facet value, words, or incomplete)."""
        chosen = any(self.filters.chosen.values())
        return chosen or bool(self.filters.query) or self.filters.incomplete is not None

    def parameters(self) -> list[tuple[str, str]]:
        """This state as query parameters, in one order (so one state has one address), without a page."""
        pairs: list[tuple[str, str]] = [("q", self.filters.query)] if self.filters.query else []
        for facet in FACETS:
            pairs += [(facet, value) for value in self.filters.chosen.get(facet, ())]
        if self.filters.incomplete is not None:
            pairs.append(("incomplete", "true" if self.filters.incomplete else "false"))
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        return pairs

    def href(self, *, extra: Iterable[tuple[str, str]] = ()) -> str:
        pairs = [*self.parameters(), *extra]
        return f"{LIST_PATH}?{urlencode(pairs)}" if pairs else LIST_PATH

    def toggled(self, facet: str, value: str) -> ListRequest:
        """This state with `value` of `facet` added, or removed when it is chosen."""
        chosen = self.filters.chosen.get(facet, ())
        values = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        return self._with({**self.filters.chosen, facet: values})

    def without_facet(self, facet: str) -> ListRequest:
        return self._with({f: v for f, v in self.filters.chosen.items() if f != facet})

    def without_query(self) -> ListRequest:
        return ListRequest(Filters(self.filters.chosen, "", self.filters.incomplete), self.sort)

    def without_incomplete(self) -> ListRequest:
        return ListRequest(Filters(self.filters.chosen, self.filters.query, None), self.sort)

    def _with(self, chosen: Mapping[str, tuple[str, ...]]) -> ListRequest:
        kept = {facet: values for facet, values in chosen.items() if values}
        return ListRequest(Filters(kept, self.filters.query, self.filters.incomplete), self.sort)


def read_list_request(args: MultiDict[str, str], catalogue: Catalogue) -> ListRequest:
    """The list this request asks for; raises BadRequest naming the parameter of a value it cannot take."""
    chosen: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values = [value.strip() for value in args.getlist(facet) if value.strip()]
        if len(values) > MAX_FILTER_VALUES:
            raise _refused(facet, f"at most {MAX_FILTER_VALUES} values, got {len(values)}")
        if values:
            chosen[facet] = tuple(dict.fromkeys(values))
    query = " ".join(args.get("q", "").split())
    if len(args.get("q", "")) > MAX_QUERY_CHARACTERS:
        raise _refused("q", f"at most {MAX_QUERY_CHARACTERS} characters, got {len(args.get('q', ''))}")
    filters = Filters(chosen, query, _incomplete(args.get("incomplete", "")))
    sort = args.get("sort", "").strip().lower() or DEFAULT_SORT
    if sort not in SORTS:
        raise _refused("sort", f"must be one of {', '.join(SORTS)}, got {_shown(sort)}")
    try:
        catalogue.check(filters)
    except CatalogueQueryError as error:
        raise _refused(error.parameter, error.problem) from None
    return ListRequest(filters, sort)


def _incomplete(raw: str) -> bool | None:
    wanted = raw.strip().lower()
    if wanted in ("", "any"):
        return None
    if wanted not in INCOMPLETE_VALUES:
        raise _refused("incomplete", f"must be true or false, got {_shown(raw)}")
    return INCOMPLETE_VALUES[wanted]


def _shown(value: str) -> str:
    cut = value[:SHOWN_VALUE_CHARACTERS]
    return repr(cut) + ("..." if len(value) > len(cut) else "")


def _refused(parameter: str, problem: str) -> BadRequest:
    return BadRequest(f"?{parameter}=: {problem}")
