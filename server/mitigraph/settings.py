"""The one settings object shared by the CLI, the loader, the store and the server."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from mitigraph.namespaces import DEFAULT_BASE

KIB = 1024
MIB = 1024 * KIB


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and what to change."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything that can be configured, with its default. Checked once, at construction."""

    base: str = DEFAULT_BASE
    """Namespace of the IRIs Mitigraph mints; the server dereferences it at `/id/`."""
    graph_files: tuple[Path, ...] = ()
    """RDF files to serve instead of the project's graph (empty: ontology + shapes-free project data)."""
    store_dir: Path | None = None
    """An on-disk Oxigraph store written by `mitigraph build --store`, opened read-only."""
    sparql_endpoint: str | None = None
    """A remote SPARQL 1.1 endpoint to serve from instead of the embedded store."""
    public_url: str = "http://127.0.0.1:8000"
    """Where users reach this server; used in the service description and the YASGUI page."""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    """Web worker processes (sized for a 2-core machine)."""
    query_workers: int = 2
    """Query processes per web worker; a query past its time is stopped by ending its process."""
    query_timeout: float = 10.0
    """Seconds a SPARQL query may run before it is stopped and answered with 503."""
    max_query_bytes: int = 256 * KIB
    """Largest query text accepted; larger is answered with 413."""
    max_result_bytes: int = 64 * MIB
    """Largest serialised result sent; a larger result is stopped and answered with 413."""
    memory_copy_max_triples: int = 500_000
    """Largest store (in triples) the query processes copy into memory. A copy answers 2-6x faster than the
    on-disk store but costs each query process about 1 GB per million triples (4 processes by default), so
    larger stores are answered from the read-only on-disk store; 0 turns the copies off."""
    access_log: bool = True
    validate: bool = True
    """Validate the graph with the shapes before serving it (never skipped by `build`)."""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.base.startswith(("http://", "https://")) or not self.base.endswith(("/", "#")):
            raise SettingsError(f"--base must be an http(s) IRI ending in '/' or '#', got {self.base!r}")
        if not 0 < self.port < 65536:
            raise SettingsError(f"--port must be between 1 and 65535, got {self.port}")
        for name in ("workers", "query_workers"):
            if getattr(self, name) < 1:
                option = name.replace("_", "-")
                raise SettingsError(f"--{option} must be at least 1, got {getattr(self, name)}")
        if self.query_timeout <= 0:
            raise SettingsError(
                f"--query-timeout must be a positive number of seconds, got {self.query_timeout}"
            )
        for name in ("max_query_bytes", "max_result_bytes"):
            if getattr(self, name) < 1:
                raise SettingsError(f"--{name.replace('_', '-')} must be at least 1 byte")
        if self.memory_copy_max_triples < 0:
            raise SettingsError(
                f"--memory-copy-max-triples must be 0 or more, got {self.memory_copy_max_triples}"
            )
        if self.store_dir is not None and self.sparql_endpoint is not None:
            raise SettingsError("use either --store or --sparql-endpoint, not both")
        missing = [str(path) for path in self.graph_files if not Path(path).is_file()]
        if missing:
            raise SettingsError(f"--graph file(s) not found: {', '.join(missing)}")

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> str:
        """Serialise for handing to worker processes (they rebuild the same Settings)."""
        values = asdict(self)
        values["graph_files"] = [str(path) for path in self.graph_files]
        values["store_dir"] = str(self.store_dir) if self.store_dir else None
        return json.dumps(values)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        values = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in values.items() if key in known}
        values["graph_files"] = tuple(Path(path) for path in values.get("graph_files", ()))
        if values.get("store_dir"):
            values["store_dir"] = Path(values["store_dir"])
        return cls(**values)
