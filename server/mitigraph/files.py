"""Writing files and directories so that a reader never sees half of one: the one atomic writer.

Everything Mitigraph writes for others to read (exports, the build directory, the store and its site,
imported pages) goes through here: into a temporary sibling first, then renamed into place. On any error
the temporary is removed and the old file or directory is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

NEW_FILE_MODE = 0o666
"""What a new file gets, less the umask, as `open()` would give it."""

Writer = Callable[[BinaryIO], None]
"""Writes a file's content into an open binary stream (so large outputs are streamed, never held)."""


def write_atomically(path: Path, content: bytes | Writer) -> Path:
    """Write `content` (bytes, or a function that writes into a stream) to `path` through a temporary file
    in the same directory, fsync'd, then one rename."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, NEW_FILE_MODE & ~_umask())  # mkstemp's are the owner's only
        with os.fdopen(handle, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            else:
                content(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def staging_directory(target: Path) -> Iterator[Path]:
    """A new, empty directory beside `target`; when the block ends without error it replaces `target` whole
    (the old one, if any, is removed after the rename), else it is removed and `target` is untouched."""
    target = Path(target)
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.writing-"))
    try:
        staged = workspace / target.name
        staged.mkdir()  # with the usual permissions: mkdtemp's are the owner's only
        yield staged
        if target.exists():
            os.replace(target, workspace / "previous")
        os.replace(staged, target)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


@contextmanager
def staging_files(target: Path) -> Iterator[Path]:
    """A directory to write files into; when the block ends without error each file replaces its namesake
    in `target` (a missing `target` appears whole, in one rename), leaving `target`'s other files as they
    are. Each file is replaced in one rename, after every file has been written."""
    target = Path(target)
    if not target.exists():
        with staging_directory(target) as staged:
            yield staged
        return
    workspace = Path(tempfile.mkdtemp(dir=target.resolve().parent, prefix=f".{target.name}.writing-"))
    try:
        yield workspace
        for item in sorted(workspace.iterdir()):
            os.replace(item, target / item.name)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread, for a moment)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022
