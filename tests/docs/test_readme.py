"""The README stays true: every console example runs, and prints what the README shows.

The examples run in a copy of the repository (the package, ontology, shapes, data and queries, with the
shared pages beside it as in a clone), because some of them write (`build --out out`, `import --merge`).
`$ mitigraph ...` runs the command as a reader would after `. .venv/bin/activate`; `$ curl ...` runs
against `mitigraph serve` started from the same copy on a free loopback port (the README's
`http://127.0.0.1:8000` rewritten to it). Outputs are compared line for line; only a time may differ
(`… s` in the README).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.docs.readme_examples import ConsoleExample, console_examples, matches, normalised
from tests.support.commands import COMMAND_TIMEOUT, MITIGRAPH
from tests.support.paths import REPO_ROOT, SHARED
from tests.support.servers import LOOPBACK, RunningServer, free_port, launch, wait_until_ready

README = REPO_ROOT / "README.md"
EXAMPLES = console_examples(README)
PROGRAMS = ("mitigraph", "curl")
"""What an example may run: the README shows nothing else at a prompt."""
COPIED = ("ontology", "shapes", "data", "queries", "server/mitigraph")
README_SERVER = re.compile(r"http://(?:127\.0\.0\.1|localhost):8000")


@dataclass(frozen=True)
class Checkout:
    """A copy of the repository to run the examples in, and the environment that makes `mitigraph` the
    copy's (its package finds its data beside it)."""

    root: Path
    environment: dict[str, str]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Checkout:
    base = tmp_path_factory.mktemp("readme")
    root = base / REPO_ROOT.name
    for name in COPIED:
        shutil.copytree(REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (base / SHARED.name).symlink_to(SHARED, target_is_directory=True)
    environment = {
        **os.environ,
        "PATH": f"{Path(MITIGRAPH[0]).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(root / "server"),
        "COLUMNS": "120",
    }
    return Checkout(root=root, environment=environment)


@pytest.fixture(scope="module")
def readme_server(checkout: Checkout, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """`mitigraph serve` as the README starts it, from the copy, on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("readme-server") / "serve.log"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", checkout.environment["PYTHONPATH"])
        server = launch(
            [*MITIGRAPH, "serve", "--host", LOOPBACK, "--port", str(port)], port=port, log_path=log_path
        )
    try:
        wait_until_ready(server)
        yield server
    finally:
        server.stop()


def run(command: str, checkout: Checkout) -> str:
    """What a terminal shows for `command` (stdout and stderr together), run by bash in the copy."""
    completed = subprocess.run(
        ["bash", "-c", command],
        cwd=checkout.root,
        env=checkout.environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    return normalised(completed.stdout)


def test_the_readme_has_console_examples_and_each_can_be_run() -> None:
    assert EXAMPLES, f"no ```console examples found in {README}"
    unrunnable = [
        f"line {example.line}: {example.program}" for example in EXAMPLES if example.program not in PROGRAMS
    ]
    assert not unrunnable, f"README examples this test cannot run (only {', '.join(PROGRAMS)}): {unrunnable}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_a_console_example_prints_what_the_readme_shows(
    example: ConsoleExample, checkout: Checkout, request: pytest.FixtureRequest
) -> None:
    command = example.command
    if example.program == "curl":
        server: RunningServer = request.getfixturevalue("readme_server")
        command = README_SERVER.sub(server.url, command)
    actual = run(command, checkout)
    if not matches(example.expected, actual):
        difference = "\n".join(
            difflib.unified_diff(
                example.expected.splitlines(), actual.splitlines(), "README.md", "actual", lineterm=""
            )
        )
        pytest.fail(f"README.md line {example.line}: `{command}` prints something else:\n{difference}")


def test_an_example_runs_on_until_its_quotes_close(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "Intro.\n\n```console\n$ mitigraph query 'SELECT *\n    WHERE { ?s ?p ?o }' \\\n    --format csv\n"
        "a,b\n\n$ curl -s http://127.0.0.1:8000/health\nok\n```\n",
        encoding="utf-8",
    )
    first, second = console_examples(readme)
    assert (first.line, first.expected) == (4, "a,b")
    assert first.command.endswith("--format csv") and first.command.count("\n") == 2
    assert (second.line, second.program, second.expected) == (9, "curl", "ok")


def test_only_a_time_may_differ() -> None:
    assert matches("Stages: load … s, validate … s.", "Stages: load 0.2 s, validate 12 s.")
    assert not matches("Stages: load … s.", "Stages: load fast.")
    assert not matches("Built 6636 triples", "Built 6657 triples")
