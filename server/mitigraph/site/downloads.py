"""The whole graph as downloadable files (`mitigraph.ttl` ... `mitigraph.csv`: the formats the registry offers
for download, mitigraph.formats), written once into the site.

Each file is streamed to disk as it is serialised, and in the same pass compressed into its gzip copy and
hashed for its strong ETag, so no download is ever held in memory whatever the size of the graph. A web
worker then only sends files that already exist.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from pyoxigraph import Store

from mitigraph.formats import Format, write_export

GZIP_LEVEL = 6
"""zlib's default: level 9 takes several times longer for a few per cent smaller files."""
GZIP_SUFFIX = ".gz"
ETAG_HEX_DIGITS = 32
COPY_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Download:
    """One file of the whole graph on disk, beside its gzip copy; each encoding has its own strong ETag."""

    filename: str
    media_type: str
    etag: str
    byte_size: int
    sha256: str
    """Of the uncompressed file (the dataset description's checksum)."""

    @property
    def gzipped_filename(self) -> str:
        return self.filename + GZIP_SUFFIX

    @property
    def gzipped_etag(self) -> str:
        return f"{self.etag}-gzip"


def write_download(
    store: Store, fmt: Format, directory: Path, *, base: str, exported: Path | None = None
) -> Download:
    """Stream the whole graph (or its table) in `fmt` into `directory` beside its gzip copy, hashing it on
    the way; `exported` is the same file already written from the same store (by `build`), copied instead
    of serialised again."""
    with ExitStack() as files:
        plain = files.enter_context((directory / fmt.file_name).open("wb"))
        compressed = files.enter_context((directory / (fmt.file_name + GZIP_SUFFIX)).open("wb"))
        gzipped = files.enter_context(
            gzip.GzipFile(filename="", mode="wb", fileobj=compressed, compresslevel=GZIP_LEVEL, mtime=0)
        )
        copies = _Copies(plain, gzipped)
        if exported is None:
            write_export(fmt, store, cast(BinaryIO, copies), base=base)
        else:
            with exported.open("rb") as source:
                shutil.copyfileobj(source, copies, COPY_CHUNK_BYTES)
    digest = copies.sha256.hexdigest()
    return Download(
        filename=fmt.file_name,
        media_type=fmt.media_type,
        etag=digest[:ETAG_HEX_DIGITS],
        byte_size=copies.byte_size,
        sha256=digest,
    )


class _Copies(io.RawIOBase):
    """A binary stream that writes every chunk to the plain file and to the gzip stream, and hashes it."""

    def __init__(self, plain: BinaryIO, gzipped: gzip.GzipFile) -> None:
        super().__init__()
        self._plain = plain
        self._gzipped = gzipped
        self.sha256 = hashlib.sha256()
        self.byte_size = 0

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._plain.write(chunk)
        self._gzipped.write(chunk)
        self.sha256.update(chunk)
        size = memoryview(chunk).nbytes
        self.byte_size += size
        return size
