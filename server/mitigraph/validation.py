"""Check a graph against Mitigraph's SHACL shapes and report each problem with where it came from.

The validation runs on pyshacl-turbo, a pySHACL-compatible engine written in Rust, when it is installed
(it is a dependency), and on pySHACL otherwise: pySHACL stays the reference, and a test checks that both
give the same report on every fixture and on the project's graph. pySHACL takes minutes where the Rust
engine takes seconds at 100,000 mitigations. The data is an rdflib graph or the loader's Oxigraph store;
the Rust engine reads a store without rdflib ever holding the triples, pySHACL gets an rdflib copy.
This module turns the engine's results graph into plain records that name the file(s) each offending node
was stated in. Warnings never make a graph fail: only violations do, so a graph with a derived label or an
unaddressed limitation still builds.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, RdfFormat, Store
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from mitigraph.loader import LoadedGraph, default_triples, rdflib_graph
from mitigraph.namespaces import DEFAULT_BASE, prefixes, shorten

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
ENGINES = {"pyshacl-turbo": "pyshacl_turbo", "pyshacl": "pyshacl"}
"""Engine name -> module, fastest first; each module has pySHACL's `validate` signature."""
REFERENCE_ENGINE = "pyshacl"
FAST_ENGINE = "pyshacl-turbo"


class ShapesError(Exception):
    """The engine refused to run the shapes (a malformed shape or SPARQL constraint)."""


def installed_engine() -> str:
    """The fastest engine that can be imported: pyshacl-turbo when installed, pySHACL otherwise."""
    for name, module in ENGINES.items():
        if importlib.util.find_spec(module) is not None:
            return name
    raise ShapesError(f"no SHACL engine is installed: install one of {', '.join(ENGINES)}")


@dataclass(frozen=True)
class ValidationResult:
    """One problem: the node, the property path, what is wrong, how bad, and where the node came from."""

    focus_node: Node
    path: str | None
    """The property path in SPARQL syntax with our prefixes (`mg:inCategory`, `^mg:hasLimitation`)."""
    message: str
    severity: str
    """`Violation`, `Warning` or `Info`."""
    value: Node | None
    shape: Node | None
    files: tuple[Path, ...]

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation: the graph conforms when no result is a violation."""

    conforms: bool
    results: tuple[ValidationResult, ...]

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(result for result in self.results if result.is_violation)

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(result for result in self.results if result.severity == "Warning")

    def with_files_renamed(self, names: Mapping[Path, Path]) -> ValidationReport:
        """The same report, each file named as `names` says (a copy validated in place of the original)."""
        renamed = (
            replace(result, files=tuple(names.get(path, path) for path in result.files))
            for result in self.results
        )
        return ValidationReport(conforms=self.conforms, results=tuple(renamed))


def validate_graph(
    data: Graph | Store,
    *,
    shapes: Graph,
    ontology: Graph | None = None,
    origins: LoadedGraph | None = None,
    base: str = DEFAULT_BASE,
    engine: str | None = None,
) -> ValidationReport:
    """Validate `data` (an rdflib graph, or a store's default graph) with `shapes`, without inference, and
    collect every result.

    `ontology` is mixed into the data for the duration of the check (the engines' `ont_graph`), so that
    `sh:class` sees subclass axioms without the caller merging graphs. Pass it only when `data` lacks the
    ontology: the loader's project and reference graphs already hold it, and mixing it in again makes the
    engine copy the whole graph. `origins` names the files each focus node was stated in; `base` is the
    instance namespace shown as `mgid:` in paths and messages. `engine` names one of `ENGINES`; by default
    the fastest installed one.
    """
    name = engine or installed_engine()
    if name not in ENGINES:
        raise ValueError(f"unknown SHACL engine {name!r}: use one of {', '.join(ENGINES)}")
    engine_data = _data_for_engine(name, data, ontology=ontology, origins=origins, base=base)
    results_graph = _run_engine(name, engine_data, shapes=shapes, ontology=ontology)
    results = sorted(
        (
            _read_result(results_graph, node, base=base, origins=origins)
            for node in _result_nodes(results_graph)
        ),
        key=_sort_key,
    )
    return ValidationReport(
        conforms=not any(result.is_violation for result in results),
        results=tuple(results),
    )


def _data_for_engine(
    name: str, data: Graph | Store, *, ontology: Graph | None, origins: LoadedGraph | None, base: str
) -> object:
    """What the engine reads: an rdflib graph as it is; a store as Turtle for the Rust engine, as an rdflib
    graph for pySHACL (the loader's, when `origins` already holds it)."""
    if isinstance(data, Graph):
        return data
    if name != FAST_ENGINE:
        if origins is not None and origins.store is data:
            return origins.graph
        return rdflib_graph(default_triples(data), base=base)
    fast_input = _fast_engine_input()
    if ontology is None and fast_input is not None:
        return _store_as_turtle(data, fast_input, base=base)
    return data


def _fast_engine_input() -> Callable[..., object] | None:
    """pyshacl-turbo's input record (`pyshacl_turbo.rdf.Input`: text, format, base, blank nodes, prefixes),
    or None when that version has no such record (the engine then reads the store itself)."""
    return getattr(importlib.import_module("pyshacl_turbo.rdf"), "Input", None)


def _store_as_turtle(store: Store, fast_input: Callable[..., object], *, base: str) -> object:
    """The store's default graph as Turtle text, for pyshacl-turbo.

    Given a Store, pyshacl-turbo dumps it as N-Quads (twice) and parses that text; Turtle with our prefixes
    is a third of the size, which takes the peak memory of loading and validating 100,000 mitigations from
    1.6 GB to 1.2 GB. Blank node labels are kept, so results name the store's own blank nodes.
    """
    text = store.dump(format=RdfFormat.TURTLE, from_graph=DefaultGraph(), prefixes=prefixes(base)) or b""
    return fast_input(text.decode("utf-8"), "turtle", None, {}, preserve_ids=True)


def _run_engine(name: str, data: object, *, shapes: Graph, ontology: Graph | None) -> Graph:
    """The results graph of one engine, called with the same options whichever it is."""
    validate: Callable[..., tuple[bool, Any, str]] = importlib.import_module(ENGINES[name]).validate
    try:
        _, results_graph, text = validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            meta_shacl=False,
            advanced=False,
            js=False,
            inplace=False,
            debug=False,
        )
    except (RuntimeError, ValueError) as error:
        raise ShapesError(f"{name} cannot run the shapes: {error}") from error
    if not isinstance(results_graph, Graph):
        raise ShapesError(f"{name} cannot run the shapes: {text}")
    return results_graph


def curie(node: Node, *, base: str = DEFAULT_BASE) -> str:
    """A node for a report: IRIs shortened with our prefixes, literals as text, blank nodes as `_:id`."""
    if isinstance(node, URIRef):
        return shorten(str(node), base=base)
    if isinstance(node, Literal):
        return str(node)
    return f"_:{node}"


def _result_nodes(results_graph: Graph) -> list[Node]:
    return list(results_graph.subjects(RDF.type, SH.ValidationResult))


def _read_result(
    results_graph: Graph, node: Node, *, base: str, origins: LoadedGraph | None
) -> ValidationResult:
    focus = results_graph.value(node, SH.focusNode)
    assert focus is not None, "pySHACL always names the focus node"
    severity = results_graph.value(node, SH.resultSeverity)
    path = results_graph.value(node, SH.resultPath)
    messages = sorted(str(message) for message in results_graph.objects(node, SH.resultMessage))
    return ValidationResult(
        focus_node=focus,
        path=_path_text(results_graph, path, base=base) if path is not None else None,
        message=messages[0] if messages else "(the shape gives no message)",
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        value=results_graph.value(node, SH.value),
        shape=results_graph.value(node, SH.sourceShape),
        files=tuple(origins.files_describing(focus)) if origins is not None else (),
    )


def _path_text(graph: Graph, path: Node, *, base: str) -> str:
    """A SHACL path as SPARQL property-path text; the paths our shapes use are IRIs and inverse paths."""
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path_text(graph, inverse, base=base)
        if graph.value(path, RDF.first) is not None:
            return "/".join(_path_text(graph, step, base=base) for step in graph.items(path))
        for operator, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = graph.value(path, operator)
            if inner is not None:
                return f"({_path_text(graph, inner, base=base)}){suffix}"
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(_path_text(graph, step, base=base) for step in graph.items(alternatives))
    return curie(path, base=base)


def _sort_key(result: ValidationResult) -> tuple[int, str, str, str]:
    return (SEVERITY_ORDER.get(result.severity, 3), str(result.focus_node), result.path or "", result.message)
