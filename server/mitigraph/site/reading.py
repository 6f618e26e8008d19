"""Reading a written site back, as every web worker does: its metadata first (is it current for this version
and base?), then its figures; a worker never computes a site.

The figures are one pickle of our own dataclasses, written and read by this package only, from the store
directory the operator trusts as much as the store.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from mitigraph import __version__
from mitigraph.site.catalogue_writing import CATALOGUE_FILE
from mitigraph.site.layout import (
    DOWNLOADS_DIR,
    FIGURES_FILE,
    METADATA_FILE,
    SiteFigures,
    SiteMetadata,
    WrittenSite,
)


class SiteError(Exception):
    """A site is missing, unreadable, or was written for another version or base; the message says which
    directory and what to do."""


def read_metadata(directory: Path) -> SiteMetadata:
    path = Path(directory) / METADATA_FILE
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
        return SiteMetadata(
            version=str(values["version"]), base=str(values["base"]), triples=int(values["triples"])
        )
    except FileNotFoundError as error:
        raise SiteError(f"no site cache at {directory}: `mitigraph build --store DIR` writes one") from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SiteError(f"unreadable site cache metadata {path}: {error}") from error


def stale_reason(metadata: SiteMetadata, *, base: str) -> str | None:
    """Why a site cannot be served with this version and base, or None when it can."""
    if metadata.version != __version__:
        return f"it was written by Mitigraph {metadata.version}, this is {__version__}"
    if metadata.base != base:
        return f"it was written for --base {metadata.base}, serving --base {base}"
    return None


def unusable_reason(directory: Path, *, base: str) -> str | None:
    """Why the site at `directory` cannot be served (missing, unreadable, stale, older layout), or None."""
    try:
        reason = stale_reason(read_metadata(directory), base=base)
    except SiteError as error:
        return str(error)
    if reason is None and not (Path(directory) / FIGURES_FILE).is_file():
        return f"its figures are in an older layout (no {FIGURES_FILE})"
    if reason is None and not (Path(directory) / CATALOGUE_FILE).is_file():
        return f"it has no catalogue index ({CATALOGUE_FILE})"
    return reason


def read_site(directory: Path, *, base: str) -> WrittenSite:
    """Load the current site at `directory`; raises SiteError (never computes one) when it is missing or
    stale."""
    directory = Path(directory).resolve()
    metadata = read_metadata(directory)
    reason = stale_reason(metadata, base=base)
    if reason is not None:
        raise SiteError(f"the site cache at {directory} cannot be used: {reason}; restart `mitigraph serve`")
    try:
        with (directory / FIGURES_FILE).open("rb") as file:
            figures = pickle.load(file)
    except FileNotFoundError as error:
        raise SiteError(
            f"the site cache at {directory} holds figures in an older layout; restart `mitigraph serve`"
        ) from error
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        raise SiteError(f"unreadable site cache {directory / FIGURES_FILE}: {error}") from error
    if not isinstance(figures, SiteFigures):
        raise SiteError(f"{directory / FIGURES_FILE} does not hold Mitigraph's site figures")
    catalogue_path = directory / CATALOGUE_FILE
    if not catalogue_path.is_file():
        raise SiteError(f"the site cache at {directory} has no catalogue index; restart `mitigraph serve`")
    return WrittenSite(
        metadata=metadata,
        figures=figures,
        downloads_dir=directory / DOWNLOADS_DIR,
        catalogue_path=catalogue_path,
    )
