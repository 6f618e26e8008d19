"""`mitigraph serve`: check the address, then load and validate the graph once, write the store, and run
the web workers over it (`mitigraph.commands.serving`).

The address is tried before anything is loaded, and before the serving machinery is even imported (like
the subcommands in `mitigraph.cli`, it is imported when it runs): a port another program holds is reported
in well under a second, not after the graph has loaded. The address is tried the way uvicorn binds it
(same family, `SO_REUSEADDR`) and let go at once; a program that takes the port in between makes uvicorn
fail as before, with its own message.

What `serve` prints is its own: what it serves and where, how long loading took, when it answers. The
libraries' log lines (uvicorn's start-up and requests, httpx, rdflib, pyshacl, ours) show with `--verbose`;
their warnings and errors always do.
"""

from __future__ import annotations

import errno
import logging.config
import socket
import time
from pathlib import Path
from typing import Any

import click

from mitigraph.cli import LIBRARY_LOG_FORMAT
from mitigraph.commands.options import settings_from_options, settings_options
from mitigraph.commands.outcome import fail
from mitigraph.settings import Settings

SUGGESTED_PORTS = 20
"""How many ports after a busy one are tried for a free one to suggest."""


class AddressUnavailable(Exception):
    """The server cannot listen where it was asked to; the message says why and which option to change."""


@click.command(name="serve")
@settings_options
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also show the libraries' INFO log lines: uvicorn's start-up and every request, httpx, rdflib.",
)
def command(verbose: bool, **options: object) -> None:
    """Serve the graph: SPARQL endpoint at /sparql, Linked Data pages at /, until SIGTERM or Ctrl-C."""
    started = time.monotonic()
    public_url = options.pop("public_url") or f"http://{options['host']}:{options['port']}"
    settings = settings_from_options(options, public_url=public_url)
    log_config = library_log_config(verbose=verbose, access_log=settings.access_log)
    logging.config.dictConfig(log_config)
    try:
        check_address(settings.host, settings.port)
    except AddressUnavailable as error:
        fail(error)
    click.echo(f"serving {_source(settings)} at {settings.public_url}", err=True)
    from mitigraph.commands.serving import serve  # only now: see the module's docstring

    serve(settings, log_config=log_config, started=started)


def check_address(host: str, port: int) -> None:
    """Raise AddressUnavailable unless uvicorn will be able to listen on host:port."""
    try:
        _bind(host, port)
    except socket.gaierror as error:
        raise AddressUnavailable(
            f"cannot listen on {host!r}: it is not a name or address of this machine ({error.strerror}); "
            "choose another with --host, e.g. --host 127.0.0.1"
        ) from error
    except OSError as error:
        raise AddressUnavailable(_refusal(host, port, error)) from error


def _bind(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _refusal(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        free = _free_port_after(host, port)
        example = f", e.g. --port {free} (free now)" if free is not None else ""
        return (
            f"port {port} on {host} is already in use by another program: choose another with --port{example}"
        )
    if error.errno == errno.EACCES:
        return (
            f"not allowed to listen on port {port} (ports below 1024 need privileges): "
            "choose another with --port, e.g. --port 8000"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine: choose another with --host, e.g. --host 127.0.0.1"
    return f"cannot listen on {host}:{port}: {error.strerror}"


def _free_port_after(host: str, port: int) -> int | None:
    for candidate in range(port + 1, min(port + 1 + SUGGESTED_PORTS, 65536)):
        try:
            _bind(host, candidate)
        except OSError:
            continue
        return candidate
    return None


def library_log_config(*, verbose: bool, access_log: bool) -> dict[str, Any]:
    """The log configuration of the serving process and of each web worker (uvicorn applies it in each).

    Without `verbose` every library (uvicorn, httpx, rdflib, pyshacl, ours) shows warnings and errors only;
    with it, INFO too, uvicorn's start-up and request lines among them. The access log shows with either
    `verbose` or `access_log`. The root logger gets a handler, so a library calling `logging.basicConfig`
    at import (pylode does, at DEBUG) changes nothing. uvicorn's own formatters, named as uvicorn's
    default configuration names them, keep its lines as they were.
    """
    level = "INFO" if verbose else "WARNING"
    stderr = "ext://sys.stderr"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
            },
            "library": {"format": LIBRARY_LOG_FORMAT},
        },
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": stderr},
            "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
            "library": {"class": "logging.StreamHandler", "formatter": "library", "stream": stderr},
        },
        "root": {"handlers": ["library"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {
                "handlers": ["access"],
                "level": "INFO" if verbose or access_log else "WARNING",
                "propagate": False,
            },
        },
    }


def _source(settings: Settings) -> str:
    """What is served, in a few words."""
    if settings.sparql_endpoint is not None:
        return f"the graph of {settings.sparql_endpoint}"
    if settings.store_dir is not None:
        return f"the store {settings.store_dir}"
    if settings.graph_files:
        names = [Path(path).name for path in settings.graph_files]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"{len(names)} graph file(s) ({shown})"
    return "the project's graph (ontology/ and data/)"
