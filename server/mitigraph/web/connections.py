"""Connection timeouts uvicorn does not have: the time a client may take to send its headers and its body.

uvicorn closes idle keep-alive connections (`timeout_keep_alive`) and caps open connections
(`limit_concurrency`), but waits for ever for a request that arrives a byte at a time: a few hundred such
connections (slowloris) would hold a web worker's connections without sending a single request. This is
uvicorn's own HTTP protocol (httptools, its default) with three timers added, each a named setting:

- idle (`keep_alive_timeout`): a new connection that sends nothing is closed, as uvicorn closes an idle one
  between requests;
- headers (`header_timeout`): from the moment the connection is ready for a request (opened, or the previous
  response sent) until the request line and every header have arrived; past it the client gets 408 and the
  connection is closed;
- body (`body_timeout`): from the end of the headers until the whole body has arrived; past it the
  connection is closed and the application sees the client as gone (408 if no response had started).

and one size: httptools sets no bound on the request line and headers (it would buffer gigabytes within the
header timeout), so a request head larger than `max_head_bytes` gets 431 and the connection is closed. The
bound derives from max_query_bytes (`head_limit`): a GET carries its query percent-encoded in the URL.
A connection the server ends is half-closed first and closed LINGER_SECONDS later (RFC 9112 9.6), so the
client reads the 408 or 431 instead of a connection reset.

uvicorn's workers construct one per connection (`protocol_from_environment`, named to uvicorn by its import
path, as the app is) with its usual arguments and the limits of the settings `serve` hands them. Everything
else (parsing, flow control, keep-alive, pipelining) is uvicorn's, unchanged, so its throughput is
uvicorn's.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from mitigraph.settings import Settings

_TIMEOUT_MESSAGE = b"the request did not arrive in time; the connection is closed\n"
REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\n"
    b"connection: close\r\n"
    b"\r\n"
    b"%s"
) % (len(_TIMEOUT_MESSAGE), _TIMEOUT_MESSAGE)
"""What a client that was too slow to send its request reads before the connection closes."""
_TOO_LARGE_MESSAGE = b"the request line and headers are too large; send a long query in a POST body\n"
HEAD_TOO_LARGE_RESPONSE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\n"
    b"connection: close\r\n"
    b"\r\n"
    b"%s"
) % (len(_TOO_LARGE_MESSAGE), _TOO_LARGE_MESSAGE)
LINGER_SECONDS = 2.0
"""How long a connection the server ends reads (and drops) what the client still sends (RFC 9112 9.6)."""
HEADER_ALLOWANCE = 64 * 1024
"""Bytes of headers allowed beside the longest URL a query may need."""


def head_limit(max_query_bytes: int) -> int:
    """The largest request head accepted: a URL carrying the longest query, each byte percent-encoded as
    three, plus the headers."""
    return 3 * max_query_bytes + HEADER_ALLOWANCE


def protocol_from_environment(
    config: Config,
    server_state: ServerState,
    app_state: dict[str, Any],
    _loop: asyncio.AbstractEventLoop | None = None,
) -> TimedHttpProtocol:
    """What uvicorn constructs for each connection, named to it as
    `http="mitigraph.web.connections:protocol_from_environment"`: the protocol with the limits of the
    settings `serve` hands its workers (read once per worker, like the app's)."""
    return _configured_protocol()(config, server_state, app_state, _loop)


@functools.cache
def _configured_protocol() -> functools.partial[TimedHttpProtocol]:
    settings = Settings.from_environment()
    return functools.partial(
        TimedHttpProtocol,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        keep_alive_timeout=settings.keep_alive_timeout,
        max_head_bytes=head_limit(settings.max_query_bytes),
    )


class TimedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the idle, header and body timers of the module docstring."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        header_timeout: float,
        body_timeout: float,
        keep_alive_timeout: float,
        max_head_bytes: int,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.timeout_keep_alive = keep_alive_timeout  # type: ignore[assignment]  # uvicorn types it int
        self._header_timeout = header_timeout
        self._body_timeout = body_timeout
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._max_head_bytes = max_head_bytes
        self._head_bytes: int | None = None
        """Bytes received of the request head being read; None while no head is being read."""
        self._lingering = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )
        self._arm_header_timer()
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return
        super().data_received(data)
        if self._head_bytes is None or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > self._max_head_bytes:
            self._refuse(HEAD_TOO_LARGE_RESPONSE)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        self._cancel_body_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        if self._header_timer is None:
            self._arm_header_timer()
        if self._head_bytes is None:
            self._head_bytes = 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()
        self._head_bytes = None
        self._body_timer = self.loop.call_later(self._body_timeout, self._body_timed_out)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel_body_timer()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self._header_timeout, self._headers_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _cancel_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self._refuse(REQUEST_TIMEOUT_RESPONSE)

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if not self.transport.is_closing():
            self._refuse(REQUEST_TIMEOUT_RESPONSE)

    def _refuse(self, response: bytes) -> None:
        """Send `response` unless another response is under way on this connection, then close it."""
        if self.cycle is None or not self.cycle.response_started or self.cycle.response_complete:
            self.transport.write(response)
        self._linger()

    def _linger(self) -> None:
        """End the connection as RFC 9112 (9.6) asks: half-close, then read and drop what the client still
        sends until it closes too, for at most LINGER_SECONDS. Closing at once, with the client's bytes
        unread, would make the kernel reset the connection, and the client could lose the answer.

        A request still being answered sees its client as gone from now on.
        """
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self._lingering = True
        self._cancel_header_timer()
        self._cancel_body_timer()
        self._unset_keepalive_if_required()
        self.flow.resume_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
