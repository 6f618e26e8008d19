"""The package's shape, as docs/architecture.md draws it: layers that import downwards, no import cycle,
small modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import mitigraph

PACKAGE_DIR = Path(mitigraph.__file__).resolve().parent
MAX_MODULE_LINES = 350
WEB_USERS = ("mitigraph.web",)
"""The only modules that may import mitigraph.web: the web layer itself. `mitigraph serve` names the app and
the connection protocol to uvicorn by their import paths; its workers import them."""
LAYERS = (
    ("mitigraph.commands", "mitigraph.cli"),
    ("mitigraph.web",),
    ("mitigraph.site",),
)
"""Top to bottom; every other module is below these three (services and foundations)."""


def module_files() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = module_files()


def imported_modules(name: str, path: Path) -> Iterator[str]:
    """Every module of the package that `name` imports, at any depth of its code (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            candidates = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        yield from (candidate for candidate in candidates if candidate in MODULES and candidate != name)


IMPORTS = {name: set(imported_modules(name, path)) for name, path in MODULES.items()}


def layer_of(name: str) -> int:
    for depth, prefixes in enumerate(LAYERS):
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes):
            return depth
    return len(LAYERS)


def test_the_package_has_no_import_cycle() -> None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, "import cycle: " + " -> ".join([*visiting[visiting.index(name) :], name])
        visiting.append(name)
        for imported in sorted(IMPORTS[name]):
            visit(imported)
        visiting.pop()
        done.add(name)

    for name in sorted(MODULES):
        visit(name)


def test_nothing_outside_the_web_layer_imports_it() -> None:
    offenders = [
        f"{name} imports {imported}"
        for name, imported_names in sorted(IMPORTS.items())
        for imported in sorted(imported_names)
        if layer_of(imported) == 1 and not name.startswith(WEB_USERS)
    ]
    assert offenders == []


def test_modules_import_only_their_layer_or_the_ones_below() -> None:
    upward = [
        f"{name} imports {imported}"
        for name, imported_names in sorted(IMPORTS.items())
        for imported in sorted(imported_names)
        if layer_of(imported) < layer_of(name)
    ]
    assert upward == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_stays_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{MODULES[name]} has {lines} lines"
