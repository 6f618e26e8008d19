"""Real servers for the tests: started as processes on a free loopback port, polled until they answer,
stopped with SIGTERM as a process manager stops them.

`running_server(*options, log_dir=)` is `mitigraph serve` with those options; `started(command, ...)` is any
other server (the Oxigraph server). A server's output goes to a log file, which every failure quotes.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.commands import MITIGRAPH
from tests.support.polling import NotInTime, poll_until

LOOPBACK = "127.0.0.1"
READY_WITHIN = 90.0
"""Seconds a server may take to load, validate and store the graph and start its workers."""
STOP_WITHIN = 20.0
"""Seconds a server may take to stop after SIGTERM."""
POLL_EVERY = 0.1
SERVE = (*MITIGRAPH, "serve")


class ServerFailed(AssertionError):
    """A server exited early, was not ready in time or did not stop; the message ends with its log."""


@dataclass
class RunningServer:
    """A server process and how to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def failed(self, what: str) -> ServerFailed:
        return ServerFailed(f"{self.url} {what}:\n{self.log()}")

    def stop(self) -> int:
        """SIGTERM, as a process manager sends it; the exit code. A server still running `STOP_WITHIN` s
        later is killed with everything it started, and that is a failure."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                kill_process_group(self.process)
                raise self.failed(f"did not stop within {STOP_WITHIN:g} s of SIGTERM") from None
        return self.process.returncode


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def launch(command: Sequence[str], *, port: int, log_path: Path) -> RunningServer:
    """Start `command` (which must listen on `port`) in its own session, its output into `log_path`."""
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            list(command), stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    return RunningServer(url=f"http://{LOOPBACK}:{port}", process=process, log_path=log_path)


def kill_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and, when it leads its own process group, every process it started."""
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()


def wait_until_ready(server: RunningServer, *, path: str = "/health", within: float = READY_WITHIN) -> None:
    """Poll `path` until it answers 200; an early exit or no answer within `within` s stops the server and
    fails with its log."""

    def answers(client: httpx.Client) -> bool:
        code = server.process.poll()
        if code is not None:
            raise server.failed(f"exited with {code} before it was ready")
        try:
            return client.get(server.url + path).status_code == 200
        except httpx.TransportError:
            return False

    with httpx.Client(timeout=2.0, trust_env=False) as client:
        try:
            poll_until(lambda: answers(client), timeout=within, interval=POLL_EVERY)
        except NotInTime:
            server.stop()
            raise server.failed(f"did not answer {path} within {within:g} s") from None


def wait_for_log(server: RunningServer, text: str, *, count: int = 1, within: float = READY_WITHIN) -> None:
    """Wait until the server's log holds `text` `count` times (say, every worker reporting start-up)."""

    def logged() -> bool:
        if server.log().count(text) >= count:
            return True
        code = server.process.poll()
        if code is not None:
            raise server.failed(f"exited with {code} while waiting for {text!r}")
        return False

    poll_until(
        logged,
        timeout=within,
        interval=POLL_EVERY,
        message=lambda: f"{text!r} did not appear {count} times in the log:\n{server.log()}",
    )


@contextmanager
def started(
    command: Sequence[str], *, port: int, log_path: Path, ready_path: str = "/health"
) -> Iterator[RunningServer]:
    """Start a server listening on `port`, wait until `ready_path` answers 200; stop it afterwards."""
    server = launch(command, port=port, log_path=log_path)
    try:
        wait_until_ready(server, path=ready_path)
        yield server
    finally:
        server.stop()


@contextmanager
def running_server(*options: str, log_dir: Path) -> Iterator[RunningServer]:
    """`mitigraph serve` with `options` on a free loopback port, ready; stopped (SIGTERM) afterwards."""
    port = free_port()
    command = [*SERVE, "--host", LOOPBACK, "--port", str(port), *options]
    with started(command, port=port, log_path=log_dir / f"serve-{port}.log") as server:
        yield server
