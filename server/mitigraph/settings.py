"""The one settings object shared by the CLI, the loader, the store and the server.

Every field that `mitigraph serve` offers as an option says so in its metadata (`option(...)`): the
command's options are generated from these fields (`mitigraph.commands.options`), so a setting is declared
once, here, with its default and its help.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mitigraph.namespaces import DEFAULT_BASE

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
SETTINGS_VARIABLE = "MITIGRAPH_SETTINGS"
"""The environment variable through which `mitigraph serve` hands its Settings (as JSON) to each worker."""


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and what to change."""


def option(
    help: str,
    *,
    multiple: bool = False,
    flag: str | None = None,
    byte_size: bool = False,
    derived: bool = False,
) -> Any:
    """Field metadata: the field is an option of `mitigraph serve`, `--<field-name>` unless `flag` names it.

    `byte_size`: the option reads sizes such as `1GiB`, `512MiB` or a plain number of bytes.
    `derived`: left out, the command derives the value from other options (the help says how).
    """
    spec = {"help": help, "multiple": multiple, "flag": flag, "byte_size": byte_size, "derived": derived}
    return {"option": spec}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything that can be configured, with its default. Checked once, at construction."""

    base: str = field(default=DEFAULT_BASE, metadata=option("Namespace of minted IRIs, served at /id/."))
    graph_files: tuple[Path, ...] = field(
        default=(),
        metadata=option(
            "Serve these RDF files instead of the project's graph (repeatable).", multiple=True, flag="graph"
        ),
    )
    store_dir: Path | None = field(
        default=None,
        metadata=option(
            "Serve an Oxigraph store written by `mitigraph build --store` instead of loading the graph.",
            flag="store",
        ),
    )
    sparql_endpoint: str | None = field(
        default=None,
        metadata=option(
            "Serve the pages and /sparql from this remote SPARQL 1.1 endpoint (see `mitigraph publish`)."
        ),
    )
    public_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=option("Where users reach this server [default: http://HOST:PORT].", derived=True),
    )
    host: str = field(default="127.0.0.1", metadata=option("Interface to listen on."))
    port: int = field(default=8000, metadata=option("Port to listen on."))
    workers: int = field(default=2, metadata=option("Web worker processes (sized for a 2-core machine)."))
    query_workers: int = field(
        default=1,
        metadata=option(
            "SPARQL query processes per web worker, each with one copy of the store; a query past its "
            "time ends its process."
        ),
    )
    query_threads: int = field(
        default=2,
        metadata=option("Queries each query process answers at once, one thread each, from its one copy."),
    )
    query_timeout: float = field(
        default=10.0, metadata=option("Seconds a SPARQL query may run before it is stopped (503).")
    )
    query_memory: int = field(
        default=1 * GIB,
        metadata=option(
            "Memory one query process may allocate (e.g. 1GiB, 512MiB; its 128 MiB evaluation stack comes "
            "on top); past it the query is stopped (503) and the process replaced.",
            byte_size=True,
        ),
    )
    unsandboxed: bool = field(
        default=False,
        metadata=option(
            "Run query processes without their sandbox (own empty network namespace, no file writes, "
            "memory cap) when the kernel refuses it. Never on a public server."
        ),
    )
    max_query_bytes: int = field(
        default=256 * KIB, metadata=option("Largest SPARQL query text accepted (413 beyond).", byte_size=True)
    )
    max_query_depth: int = field(
        default=100,
        metadata=option(
            "Deepest nesting of brackets, braces and prefix operators (!, -, +, ^) in a query (400 beyond)."
        ),
    )
    max_result_bytes: int = field(
        default=64 * MIB,
        metadata=option("Largest serialised SPARQL result sent (413 beyond).", byte_size=True),
    )
    client_queries: int = field(
        default=2,
        metadata=option("SPARQL queries one client may have running at once (429 beyond)."),
    )
    client_query_seconds: float = field(
        default=60.0,
        metadata=option("Seconds of query time one client may use per minute (429 beyond)."),
    )
    trusted_proxies: tuple[str, ...] = field(
        default=(),
        metadata=option(
            "Address of a reverse proxy whose X-Forwarded-For names the client (repeatable); "
            "from any other peer the header is ignored.",
            multiple=True,
            flag="trusted-proxy",
        ),
    )
    queue_timeout: float = field(
        default=2.0,
        metadata=option("Seconds a query waits for a free query process before 503 with Retry-After."),
    )
    header_timeout: float = field(
        default=10.0,
        metadata=option("Seconds a client has to send its request line and headers before it is cut off."),
    )
    body_timeout: float = field(
        default=30.0, metadata=option("Seconds a client has to send a request body before it is cut off.")
    )
    keep_alive_timeout: float = field(
        default=5.0, metadata=option("Seconds an idle keep-alive connection is kept open.")
    )
    max_connections: int = field(
        default=256,
        metadata=option("Open connections one web worker accepts; past it new ones are answered 503."),
    )
    memory_copy_max_triples: int = field(
        default=1_500_000,
        metadata=option(
            "Largest store (triples) the query processes copy into memory; larger ones are read from "
            "disk. 0: never copy."
        ),
    )
    """A copy answers 2-6x faster than the on-disk store but costs each query process about 350 MB per
    million triples (measured at 1.08 M; one process per web worker by default, its threads share it),
    so larger stores are answered from the on-disk store."""
    access_log: bool = field(default=False, metadata=option("Log every request (as --verbose does)."))
    validate: bool = True
    """Validate the graph with the shapes before serving it (never skipped by `build`)."""

    def __post_init__(self) -> None:
        if not self.base.startswith(("http://", "https://")) or not self.base.endswith(("/", "#")):
            raise SettingsError(f"--base must be an http(s) IRI ending in '/' or '#', got {self.base!r}")
        if not 0 < self.port < 65536:
            raise SettingsError(f"--port must be between 1 and 65535, got {self.port}")
        for name in (
            "workers",
            "query_workers",
            "query_threads",
            "client_queries",
            "max_connections",
            "max_query_depth",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{option_flag(name)} must be at least 1, got {getattr(self, name)}")
        for name in (
            "query_timeout",
            "client_query_seconds",
            "queue_timeout",
            "header_timeout",
            "body_timeout",
            "keep_alive_timeout",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(
                    f"{option_flag(name)} must be a positive number of seconds, got {getattr(self, name)}"
                )
        for name in ("max_query_bytes", "max_result_bytes"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{option_flag(name)} must be at least 1 byte")
        if self.query_memory < 64 * MIB:
            raise SettingsError(
                f"--query-memory must be at least 64MiB (a query process needs that to start), "
                f"got {self.query_memory} bytes"
            )
        if self.memory_copy_max_triples < 0:
            raise SettingsError(
                f"--memory-copy-max-triples must be 0 or more, got {self.memory_copy_max_triples}"
            )
        if self.store_dir is not None and self.sparql_endpoint is not None:
            raise SettingsError("use either --store or --sparql-endpoint, not both")
        trusted_networks(self.trusted_proxies)
        missing = [str(path) for path in self.graph_files if not Path(path).is_file()]
        if missing:
            raise SettingsError(f"--graph file(s) not found: {', '.join(missing)}")

    def copies_into_memory(self, *, triples: int) -> bool:
        """Whether the query processes copy a store of `triples` into memory (memory_copy_max_triples)."""
        return self.memory_copy_max_triples > 0 and triples <= self.memory_copy_max_triples

    @property
    def query_slots(self) -> int:
        """Queries one web worker answers at once: its query processes times their threads."""
        return self.query_workers * self.query_threads

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> str:
        """Serialise for handing to worker processes (they rebuild the same Settings)."""
        values = asdict(self)
        values["graph_files"] = [str(path) for path in self.graph_files]
        values["store_dir"] = str(self.store_dir) if self.store_dir else None
        values["trusted_proxies"] = list(self.trusted_proxies)
        return json.dumps(values)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        values = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in values.items() if key in known}
        values["graph_files"] = tuple(Path(path) for path in values.get("graph_files", ()))
        values["trusted_proxies"] = tuple(values.get("trusted_proxies", ()))
        if values.get("store_dir"):
            values["store_dir"] = Path(values["store_dir"])
        return cls(**values)

    @classmethod
    def from_environment(cls) -> Settings:
        """The settings `mitigraph serve` hands its web workers in MITIGRAPH_SETTINGS (`to_json`)."""
        settings_json = os.environ.get(SETTINGS_VARIABLE)
        if not settings_json:
            raise SettingsError(f"{SETTINGS_VARIABLE} is not set: start the server with `mitigraph serve`")
        return cls.from_json(settings_json)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    """The trusted proxies as networks (an address is a network of one); SettingsError names a bad one."""
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy.strip(), strict=False))
        except ValueError as error:
            raise SettingsError(
                f"--trusted-proxy {proxy!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from error
    return tuple(networks)


def option_flag(name: str) -> str:
    """The command-line flag of a Settings field (`query_memory` -> `--query-memory`)."""
    for settings_field in fields(Settings):
        if settings_field.name == name and "option" in settings_field.metadata:
            flag = settings_field.metadata["option"]["flag"]
            return "--" + (flag or name.replace("_", "-"))
    return "--" + name.replace("_", "-")
