"""The `mitigraph` command line, run as a user runs it: the console script installed beside this Python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO_ROOT

MITIGRAPH = (str(Path(sys.executable).with_name("mitigraph")),)
"""The command, as a sequence to splice into longer commands (`[*MITIGRAPH, "serve", ...]`)."""
COMMAND_TIMEOUT = 300.0
"""Seconds a command may take (generating and validating a synthetic graph is the slowest)."""


def run_mitigraph(
    *arguments: str | Path, cwd: Path = REPO_ROOT, timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run `mitigraph` with `arguments` and capture its output; the exit code is the caller's to check."""
    return subprocess.run(
        [*MITIGRAPH, *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
