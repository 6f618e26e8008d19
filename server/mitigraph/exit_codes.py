"""The exit statuses of every `mitigraph` command, in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status means; scripts and CI can rely on these."""

    OK = 0
    """Done: the graph conforms (warnings allowed), every page imported, the files written."""
    INVALID = 1
    """The input was read but is not acceptable: SHACL violations, or some of the pages did not import."""
    UNUSABLE = 2
    """Nothing usable: a file that cannot be read or parsed, a bad option, a port or directory unavailable
    (click uses 2 for usage errors too)."""
