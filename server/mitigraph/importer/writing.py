"""Write Turtle files so that each is either complete and readable or untouched.

Every file is first written to a temporary file beside its target and read back through the loader;
only when all of them read back are they moved into place with os.replace, which is atomic per file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from rdflib import Graph

from mitigraph.loader import parse_file

NEW_FILE_MODE = 0o644


def turtle_text(graph: Graph, *, header: Sequence[str] = ()) -> str:
    """The graph as Turtle, after `header` written as comment lines."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + graph.serialize(format="turtle")


def write_files_atomically(files: Mapping[Path, str]) -> None:
    """Write every file or none: a file that does not read back as RDF stops the whole write.

    Raises OSError when a directory cannot be written and GraphLoadError when a text is not valid RDF.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            staged.append((_stage(Path(target), text), Path(target)))
        for temporary, _ in staged:
            parse_file(temporary)
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def _stage(target: Path, text: str) -> Path:
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.chmod(name, target.stat().st_mode & 0o777 if target.exists() else NEW_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(name)
