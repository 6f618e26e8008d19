"""Downloads written by a forked process, while this one writes the on-disk store and computes the figures.

Writing a store and its site is a few dozen seconds of work at 100,000 mitigations, most of it on one core.
A forked child shares the in-memory store's pages with its parent (copy on write: nothing is copied, and the
store is only read), so it writes the graph downloads on the second core at no cost in memory. It first
renders the ontology's HTML documentation, which needs only the ontology (half a second of pyLODE, the
longest part of a small site). The child only reads the store and writes files into the site's staging
directory; it hands back the documentation and each file's size, checksum and ETag, or the error that
stopped it.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from pyoxigraph import Store

from mitigraph.formats import Format
from mitigraph.ontology_docs import ontology_documentation
from mitigraph.site.downloads import Download, write_download

JOIN_SECONDS = 10.0
"""How long a child that has sent its answer gets to exit before it is killed."""


class DownloadsFailed(RuntimeError):
    """The forked process could not write the downloads; the message holds its error and traceback."""


class ForkedDownloads:
    """The downloads a forked process is writing; `result()` waits for them."""

    def __init__(self, connection: Connection, process: multiprocessing.process.BaseProcess) -> None:
        self._connection = connection
        self._process = process
        self.seconds = 0.0
        """How long the child took (known once `result()` has returned)."""
        self.ontology_html = ""
        """The ontology's HTML documentation (known once `result()` has returned)."""

    def result(self) -> dict[str, Download]:
        """Each download by file name, once the child has written them all; raises DownloadsFailed."""
        try:
            status, value, self.seconds = self._connection.recv()
        except EOFError as error:
            raise DownloadsFailed(
                f"the process writing the downloads ended with exit code {self._process.exitcode}"
            ) from error
        if status != "ok":
            raise DownloadsFailed(f"writing the downloads failed:\n{value}")
        downloads: dict[str, Download]
        self.ontology_html, downloads = value
        return downloads


@contextmanager
def downloads_in_parallel(
    store: Store,
    formats: Sequence[Format],
    directory: Path,
    *,
    base: str,
    exported: Mapping[str, Path] | None = None,
) -> Iterator[ForkedDownloads]:
    """Fork a process that writes each of `formats` into `directory` from `store` (an in-memory store: an
    on-disk one's handle must not be used across a fork), or from the `exported` file of the same name;
    the process is stopped when the block ends."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_write,
        args=(sending, store, tuple(formats), directory, base, dict(exported or {})),
        name="mitigraph-downloads",
    )
    process.start()
    sending.close()
    try:
        yield ForkedDownloads(receiving, process)
    except BaseException:
        process.kill()
        raise
    finally:
        receiving.close()
        process.join(JOIN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


def _write(
    sending: Connection,
    store: Store,
    formats: tuple[Format, ...],
    directory: Path,
    base: str,
    exported: dict[str, Path],
) -> None:
    """The child: render the ontology's documentation, write every download, then send
    ("ok", (documentation, downloads), seconds) or ("error", traceback, 0)."""
    started = time.monotonic()
    try:
        documentation = ontology_documentation(base=base)
        downloads = {
            fmt.file_name: write_download(
                store, fmt, directory, base=base, exported=exported.get(fmt.file_name)
            )
            for fmt in formats
        }
    except BaseException:
        sending.send(("error", traceback.format_exc(), 0.0))
    else:
        sending.send(("ok", (documentation, downloads), time.monotonic() - started))
    finally:
        sending.close()
