"""Start and stop the real server as a process on a free loopback port (used by conftest.py's fixtures).

Readiness is polled on /health; the server's output goes to a log file that failing tests print.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

READY_WITHIN = 90.0
"""Seconds a server may take to load, validate and store the graph and start its workers."""
STOP_WITHIN = 20.0
POLL_EVERY = 0.1
LOOPBACK = "127.0.0.1"
SERVE = [sys.executable, "-c", "from mitigraph.cli import main; main()", "serve"]


@dataclass
class RunningServer:
    """A `mitigraph serve` process and how to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, as a process manager would send it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                pytest.fail(f"the server did not stop within {STOP_WITHIN} s of SIGTERM:\n{self.log()}")
        return self.process.returncode


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def wait_until_ready(server: RunningServer) -> None:
    """Poll /health until it answers 200; between polls, wait on the process (which also notices an exit)."""
    deadline = READY_WITHIN / POLL_EVERY
    with httpx.Client(timeout=2.0) as client:
        for _ in range(int(deadline)):
            try:
                if client.get(server.url + "/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            try:
                code = server.process.wait(timeout=POLL_EVERY)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the server exited with {code} before it was ready:\n{server.log()}")
    server.stop()
    pytest.fail(f"the server was not ready within {READY_WITHIN} s:\n{server.log()}")


def wait_for_log(server: RunningServer, text: str, *, count: int = 1) -> None:
    """Wait until the server's log holds `text` `count` times (say, every worker reporting start-up)."""
    for _ in range(int(READY_WITHIN / POLL_EVERY)):
        if server.log().count(text) >= count:
            return
        try:
            code = server.process.wait(timeout=POLL_EVERY)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"the server exited with {code} while waiting for {text!r}:\n{server.log()}")
    pytest.fail(f"{text!r} did not appear {count} times within {READY_WITHIN} s:\n{server.log()}")


@contextmanager
def running_server(*options: str, log_dir: Path) -> Iterator[RunningServer]:
    """Start `mitigraph serve` with `options` on a free loopback port; stop it (SIGTERM) afterwards."""
    port = free_port()
    log_path = log_dir / f"serve-{port}.log"
    command = [*SERVE, "--host", LOOPBACK, "--port", str(port), *options]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    server = RunningServer(url=f"http://{LOOPBACK}:{port}", process=process, log_path=log_path)
    try:
        wait_until_ready(server)
        yield server
    finally:
        server.stop()
