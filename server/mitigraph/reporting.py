"""A validation report as a person reads it (text) and as a script reads it (JSON).

Every command that validates (`validate`, `build`, `serve`, `publish`) prints the same report: one block per
violation with the node, the property path, the message, the value and the file(s) that stated the node;
then the warnings, one block each or counted by kind when there are many; then a one-line verdict.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from mitigraph.loader import LoadedGraph
from mitigraph.validation import ValidationReport, ValidationResult, curie

WARNINGS_LISTED = 20
"""Up to this many warnings are listed one by one; more are counted by kind, with one example each."""


def report_as_text(
    report: ValidationReport, *, loaded: LoadedGraph, base: str, all_warnings: bool = False
) -> str:
    """One block per violation, then the warnings (one block each, or counted by kind when there are
    many), then a one-line verdict (`Conforms: 206 files, 6636 triples; 282 warnings.`)."""
    blocks = [_result_as_text(result, base=base) for result in report.violations]
    if all_warnings or len(report.warnings) <= WARNINGS_LISTED:
        blocks += [_result_as_text(result, base=base) for result in report.warnings]
    else:
        blocks += _warnings_by_kind(report.warnings, base=base)
    verdict = (
        f"Conforms: {len(loaded.files)} files, {loaded.triples} triples"
        if report.conforms
        else f"Does not conform: {len(report.violations)} violation{_plural(len(report.violations))}"
    )
    summary = f"{verdict}; {len(report.warnings)} warning{_plural(len(report.warnings))}."
    return "\n\n".join([*blocks, summary])


def report_as_json(report: ValidationReport, *, base: str) -> str:
    """The verdict, the counts and every result with its node, path, message, value, shape and files."""
    document = {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "results": [
            {
                "severity": result.severity,
                "focusNode": str(result.focus_node),
                "focusNodeCurie": curie(result.focus_node, base=base),
                "path": result.path,
                "message": result.message,
                "value": None if result.value is None else str(result.value),
                "shape": None if result.shape is None else curie(result.shape, base=base),
                "files": [display_path(path) for path in result.files],
            }
            for result in report.results
        ],
    }
    return json.dumps(document, indent=2)


def _warnings_by_kind(warnings: Sequence[ValidationResult], *, base: str) -> list[str]:
    """One block per kind of warning (its path and message), the most frequent first, with one example."""
    kinds: dict[tuple[str | None, str], list[ValidationResult]] = defaultdict(list)
    for result in warnings:
        kinds[(result.path, result.message)].append(result)
    blocks = []
    for (path, message), results in sorted(kinds.items(), key=lambda item: -len(item[1])):
        example = results[0]
        lines = [f"Warning: {len(results)} x {message}"]
        if path:
            lines.append(f"  path:    {path}")
        lines.append(f"  e.g.:    {curie(example.focus_node, base=base)}")
        if example.files:
            lines.append(f"  file:    {', '.join(display_path(path) for path in example.files)}")
        blocks.append("\n".join(lines))
    blocks.append(f"({len(warnings)} warnings of {len(kinds)} kinds; --all-warnings lists every one)")
    return blocks


def _result_as_text(result: ValidationResult, *, base: str) -> str:
    lines = [f"{result.severity}: {curie(result.focus_node, base=base)}"]
    if result.path:
        lines.append(f"  path:    {result.path}")
    lines.append(f"  message: {result.message}")
    if result.value is not None:
        lines.append(f"  value:   {curie(result.value, base=base)}")
    if result.files:
        lines.append(f"  file:    {', '.join(display_path(path) for path in result.files)}")
    return "\n".join(lines)


def display_path(path: Path) -> str:
    """Relative to the working directory when the file is under it: shorter, and what the user typed."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"
