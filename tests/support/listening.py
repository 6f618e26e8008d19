"""A TCP listener on 127.0.0.1 that counts every connection made to it: the witness that a query process
never reached the network."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.support.servers import LOOPBACK


@dataclass
class Listener:
    port: int
    connections: list[str] = field(default_factory=list)
    """The peer address of every connection received."""

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/sparql"


@contextmanager
def listening() -> Iterator[Listener]:
    """Listen on a free loopback port until the block ends, recording every connection."""
    record = Listener(port=0)

    class Count(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            record.connections.append(self.client_address[0])

    with socketserver.ThreadingTCPServer((LOOPBACK, 0), Count) as tcp:
        record.port = tcp.server_address[1]
        thread = threading.Thread(target=tcp.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield record
        finally:
            tcp.shutdown()
            thread.join(timeout=5)
