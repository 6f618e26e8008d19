"""Recognise the category of a page's own record.

A page never shows its own record's code: it shows the category's description and `Also in <parent name>`.
The description is matched against the taxonomy's definitions, and the parent name checked against it.
"""

from __future__ import annotations

from pathlib import Path

from mitigraph.importer.errors import PageFormatError, WarningLog
from mitigraph.importer.model import PageHead
from mitigraph.importer.page_text import also_in_name
from mitigraph.importer.taxonomy_match import KnownCategory, ReferenceTerms, normalised, parent_code


def record_category(path: Path, head: PageHead, *, terms: ReferenceTerms, log: WarningLog) -> KnownCategory:
    """The record's category; raises PageFormatError when neither the description nor the parent is known."""
    described = head.category_description
    parent_name = also_in_name(head)
    candidates = terms.categories_described_as(described.text)
    if parent_name is not None and len(candidates) > 1:
        candidates = [c for c in candidates if _parent_named(c, parent_name, terms)] or candidates
    if candidates:
        chosen = candidates[0]
        if len(candidates) > 1:
            codes = ", ".join(c.code for c in candidates)
            log.warn(described.number, f"the description fits categories {codes}; {chosen.code} is used")
        _check_parent(chosen, parent_name, head, terms=terms, log=log)
        return chosen
    parent = terms.category_named(parent_name) if parent_name is not None else None
    if parent is not None:
        log.warn(
            described.number,
            f"the category description is not in the taxonomy; the record is put in its 'Also in' category "
            f"{parent.code} {parent.name!r}: add the category, with this description, to data/taxonomy.ttl",
        )
        return parent
    raise PageFormatError(
        path,
        described.number,
        "a category description that the taxonomy (data/taxonomy.ttl) knows, or an 'Also in' line naming a "
        "known category",
    )


def _parent_named(category: KnownCategory, name: str, terms: ReferenceTerms) -> bool:
    code = parent_code(category.code)
    parent = terms.category(code) if code is not None else None
    return parent is not None and parent.name is not None and normalised(parent.name) == normalised(name)


def _check_parent(
    category: KnownCategory,
    parent_name: str | None,
    head: PageHead,
    *,
    terms: ReferenceTerms,
    log: WarningLog,
) -> None:
    code = parent_code(category.code)
    parent = terms.category(code) if code is not None else None
    if parent_name is None:
        if parent is not None:
            log.warn(
                head.category_description.number,
                f"no 'Also in' line, although category {category.code} has parent {parent.code}",
            )
        return
    if not _parent_named(category, parent_name, terms):
        assert head.also_in is not None
        expected = f"{parent.code} {parent.name!r}" if parent is not None else "no parent"
        log.warn(
            head.also_in.number,
            f"'Also in {parent_name}' does not match the taxonomy, where {category.code} has {expected}",
        )
