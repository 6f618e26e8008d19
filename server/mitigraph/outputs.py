"""What the streaming writers (formats, JSON-LD, the CSV table, SSSOM) write into: `write` and `flush`.

A file opened in binary mode, stdout's buffer, or a wrapper that counts the bytes for a progress bar.
"""

from __future__ import annotations

from typing import Protocol


class BinaryOutput(Protocol):
    """A binary stream as far as a writer needs one."""

    def write(self, data: bytes, /) -> int | None: ...

    def flush(self) -> None: ...
