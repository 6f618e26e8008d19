"""What the scale-out tests share: the size of the synthetic graph they publish, and the Oxigraph server."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

MITIGATIONS = 120
"""Size of the synthetic graph published in these tests (small: validation runs before publishing)."""


def oxigraph_command() -> str:
    """The `oxigraph` command of this virtualenv (beside the running Python), else the one on PATH."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if found is None:
        pytest.fail("the `oxigraph` package is not installed: pip install -e '.[test]'")
    return found
