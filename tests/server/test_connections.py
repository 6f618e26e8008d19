"""Connections a client cannot hold for ever: header, body, idle timeouts, the head size, the connection cap.

Raw sockets on loopback, each bounded in bytes and time; the server runs one web worker with short timeouts.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from contextlib import closing

import pytest
from tests.support.polling import NotInTime, poll_until
from tests.support.servers import RunningServer, running_server

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
KEEP_ALIVE_TIMEOUT = 1.0
MAX_CONNECTIONS = 4
MARGIN = 1.5
"""Seconds a cut may come after its timeout (event-loop timers, a loaded 2-core machine)."""
GIVE_UP = 15.0
"""No test waits longer than this for the server to act."""


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    options = (
        "--workers=1",
        f"--header-timeout={HEADER_TIMEOUT}",
        f"--body-timeout={BODY_TIMEOUT}",
        f"--keep-alive-timeout={KEEP_ALIVE_TIMEOUT}",
        f"--max-connections={MAX_CONNECTIONS}",
    )
    with running_server(*options, log_dir=tmp_path_factory.mktemp("strict")) as server:
        yield server


def connect(server: RunningServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=GIVE_UP)
    return connection


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by GIVE_UP)."""
    received = b""
    deadline = time.monotonic() + GIVE_UP
    while time.monotonic() < deadline:
        chunk = connection.recv(65536)
        if not chunk:
            return received
        received += chunk
    pytest.fail(f"the server kept the connection open for {GIVE_UP} s; it sent {received[:200]!r}")


def answered(connection: socket.socket, *, within: float = 0.0) -> bool:
    """Whether the server has sent something (or closed) on `connection`, waiting at most `within`."""
    readable, _, _ = select.select([connection], [], [], within)
    return bool(readable)


def test_a_client_sending_headers_a_byte_at_a_time_is_cut_off(strict: RunningServer) -> None:
    """One byte every 50 ms, as a slowloris client sends, until the server answers."""
    request = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 400
    with closing(connect(strict)) as connection:
        started = time.monotonic()
        sent = 0
        while sent < len(request) and not answered(connection, within=0.05):
            connection.send(request[sent : sent + 1])
            sent += 1
        elapsed = time.monotonic() - started
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert sent < len(request)
    assert HEADER_TIMEOUT - 0.2 <= elapsed <= HEADER_TIMEOUT + MARGIN


def test_a_client_sending_its_body_too_slowly_is_cut_off(strict: RunningServer) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    with closing(connect(strict)) as connection:
        connection.sendall(head + b"ASK {")
        started = time.monotonic()
        answer = read_until_closed(connection)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert BODY_TIMEOUT - 0.2 <= elapsed <= BODY_TIMEOUT + MARGIN


def test_a_connection_that_never_sends_is_closed_after_the_keep_alive_timeout(strict: RunningServer) -> None:
    with closing(connect(strict)) as connection:
        started = time.monotonic()
        answer = read_until_closed(connection)
        elapsed = time.monotonic() - started
    assert answer == b""
    assert KEEP_ALIVE_TIMEOUT - 0.2 <= elapsed <= KEEP_ALIVE_TIMEOUT + MARGIN


def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout(strict: RunningServer) -> None:
    with closing(connect(strict)) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        started = time.monotonic()
        answer = read_until_closed(connection)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b'"status":"ok"' in answer
    assert KEEP_ALIVE_TIMEOUT - 0.2 <= elapsed <= KEEP_ALIVE_TIMEOUT + MARGIN


def test_a_request_head_larger_than_any_query_needs_is_431(strict: RunningServer) -> None:
    """The head may carry the longest query percent-encoded (3 x 256 KiB) and headers; 4 MiB is refused."""
    with closing(connect(strict)) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Large: ")
        chunks = 0
        while chunks < 64 and not answered(connection):
            connection.sendall(b"a" * 65536)
            chunks += 1
        assert answered(connection, within=GIVE_UP)
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_query_as_long_as_allowed_still_fits_in_a_get(strict: RunningServer) -> None:
    """256 KiB of query text, every byte percent-encoded, is within the head limit (then refused as 400)."""
    query = "%41" * (256 * 1024 - 100)
    with closing(connect(strict)) as connection:
        connection.sendall(
            f"GET /sparql?query={query} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        answer = read_until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 400 ")


def test_connections_past_the_cap_are_answered_503(strict: RunningServer) -> None:
    held = [connect(strict) for _ in range(MAX_CONNECTIONS)]
    try:
        for connection in held:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")
        with closing(connect(strict)) as extra:
            extra.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            answer = read_until_closed(extra)
        assert answer.startswith(b"HTTP/1.1 503 ")
    finally:
        for connection in held:
            connection.close()
    assert answered_ok_once_closed(strict), "the server still refuses after the held connections closed"


def answered_ok_once_closed(server: RunningServer) -> bool:
    """Whether a new connection is soon answered 200 (the server notices closed ones in its own time)."""

    def health_ok() -> bool:
        with closing(connect(server)) as later:
            later.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            return read_until_closed(later).startswith(b"HTTP/1.1 200 ")

    try:
        return poll_until(health_ok, timeout=GIVE_UP)
    except NotInTime:
        return False
