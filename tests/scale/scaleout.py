"""Processes for the scale-out tests: start on a free loopback port, poll until ready, stop with SIGTERM."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

LOOPBACK = "127.0.0.1"
READY_WITHIN = 90.0
POLL_EVERY = 0.1
STOP_WITHIN = 20.0
MITIGATIONS = 120
"""Size of the synthetic graph published in these tests (small: validation runs before publishing)."""
MITIGRAPH = [sys.executable, "-c", "from mitigraph.cli import main; main()"]


@dataclass
class Process:
    url: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def oxigraph_command() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if found is None:
        pytest.fail("the `oxigraph` package is not installed: pip install -e '.[test]'")
    return found


def wait_until(ready: Callable[[httpx.Client], bool], process: Process) -> None:
    """Poll `ready` until it holds; between polls, wait on the process, which also notices an early exit."""
    with httpx.Client(timeout=2.0) as client:
        for _ in range(int(READY_WITHIN / POLL_EVERY)):
            try:
                if ready(client):
                    return
            except httpx.TransportError:
                pass
            try:
                code = process.popen.wait(timeout=POLL_EVERY)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"{process.url} exited with {code} before it was ready:\n{process.log()}")
    pytest.fail(f"{process.url} was not ready within {READY_WITHIN} s:\n{process.log()}")


@contextmanager
def started(command: list[str], *, port: int, log_path: Path) -> Iterator[Process]:
    with log_path.open("wb") as log_file:
        popen = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    process = Process(url=f"http://{LOOPBACK}:{port}", popen=popen, log_path=log_path)
    try:
        yield process
    finally:
        if popen.poll() is None:
            popen.send_signal(signal.SIGTERM)
            try:
                popen.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait()


def mitigraph(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the `mitigraph` command line as a user would, capturing its output."""
    return subprocess.run([*MITIGRAPH, *arguments], capture_output=True, text=True, timeout=300, check=False)
