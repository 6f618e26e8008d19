"""How a command ends when the library refuses: one `error: ...` line on stderr and an `ExitCode`.

try:
    checked = load_and_validate(base=settings.base)
except GraphLoadError as error:
    fail(error)                          # error: data/x.ttl:4: turtle syntax error: ...   (exit 2)
"""

from __future__ import annotations

from typing import NoReturn

import click

from mitigraph.exit_codes import ExitCode


def fail(error: BaseException | str, *, code: ExitCode = ExitCode.UNUSABLE) -> NoReturn:
    """Print `error: <what went wrong>` on stderr and exit with `code` (by default: nothing usable)."""
    click.echo(f"error: {error}", err=True)
    raise SystemExit(code)
