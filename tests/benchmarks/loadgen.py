"""A bounded HTTP load generator: threads with one keep-alive httpx client each, loopback only.

Every server is driven the same way: the same requests, the same concurrency, a persistent connection per
thread. Each thread stands for its own client: it connects from its own loopback source address
(127.0.0.2, 127.0.0.3, ...), so a server that shares its capacity fairly between clients (Mitigraph's
per-client limits) sees eight clients at concurrency 8, as it would in production. A run stops starting
requests after `seconds` or `max_requests`, whichever comes first; requests already in flight finish (or
time out) and count.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

LOOPBACK_HOSTS = ("127.0.0.1",)
FIRST_CLIENT_ADDRESS = 2
"""Thread i connects from 127.0.0.(FIRST_CLIENT_ADDRESS + i)."""


def client_address(index: int) -> str:
    """The loopback source address of load thread `index`: one client per thread, all on 127.0.0.0/8."""
    if not 0 <= index < 250:
        raise ValueError(f"at most 250 load threads, got thread {index}")
    return f"127.0.0.{FIRST_CLIENT_ADDRESS + index}"


@dataclass(frozen=True)
class HttpRequest:
    """One request, replayed as is: a SPARQL query as a form POST, or a GET of a page."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    latencies: tuple[float, ...]
    """Seconds each successful request took."""
    failures: int
    elapsed: float
    first_failure: str | None = None

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50(self) -> float | None:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float | None:
        return percentile(self.latencies, 99)


def percentile(values: tuple[float, ...] | list[float], q: float) -> float | None:
    """The q-th percentile (nearest-rank on the sorted values); None without values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return (
        statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q) - 1]
        if q < 100
        else max(values)
    )


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"the load generator only talks to 127.0.0.1, not {host!r} ({url})")


def send(client: httpx.Client, request: HttpRequest) -> httpx.Response:
    return client.request(request.method, request.url, headers=request.headers, data=request.form)


def run_load(
    request: HttpRequest,
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
    request_timeout: float,
    accept_status: Callable[[int], bool] = lambda status: status == 200,
) -> LoadResult:
    """Replay `request` from `concurrency` threads, bounded by time and count."""
    require_loopback(request.url)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    issued = [0]
    started = time.perf_counter()
    deadline = started + seconds

    def take_ticket() -> bool:
        with lock:
            if issued[0] >= max_requests or time.perf_counter() >= deadline:
                return False
            issued[0] += 1
            return True

    def worker(index: int) -> None:
        transport = httpx.HTTPTransport(local_address=client_address(index))
        with httpx.Client(timeout=request_timeout, trust_env=False, transport=transport) as client:
            while take_ticket():
                began = time.perf_counter()
                try:
                    response = send(client, request)
                    ok, detail = accept_status(response.status_code), f"HTTP {response.status_code}"
                except httpx.HTTPError as error:
                    ok, detail = False, f"{type(error).__name__}: {error}"
                took = time.perf_counter() - began
                with lock:
                    (latencies.append(took) if ok else failures.append(detail))

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(
        concurrency=concurrency,
        latencies=tuple(latencies),
        failures=len(failures),
        elapsed=time.perf_counter() - started,
        first_failure=failures[0] if failures else None,
    )
