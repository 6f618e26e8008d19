"""Mitigraph: a linked, validated knowledge graph of AI-risk mitigations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mitigraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
