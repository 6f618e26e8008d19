"""Fair sharing of the query processes between clients: queries at once, and query time per minute.

A client is its address: the peer of the connection, or, when that peer is one of `Settings.trusted_proxies`,
the right-most address of `X-Forwarded-For` that is not itself a trusted proxy (the one the outermost trusted
proxy saw; anything left of it was written by the client and proves nothing). An IPv6 client is its /64,
since one host commonly holds the whole /64 and could otherwise change address at will.

Each client may run `Settings.client_queries` queries at once and use `Settings.client_query_seconds` of
query time in any sliding minute, as the Wikidata Query Service counts them; past either it gets 429 with a
`Retry-After` that says when it may try again, and its query never reaches a query process.

Shares per web worker: uvicorn runs `Settings.workers` web workers, each with its own pool of `query_slots`
(query processes times their threads) and its own memory, and the kernel hands each new connection to any of
them. Rather than share counters between the workers (shared memory or a lock file, which a worker dying
mid-query would leave holding a client's slots), each worker admits its share of a client's queries at once,
ceil(client_queries / workers), and never every slot of its pool (at most query_slots - 1 when it has two or
more). So one client can hold at most one share of each worker's pool and the rest stays free for everyone
else. The price: a client whose connections all land on one worker may be refused a little before its
nominal number of queries at once. The time budget is not divided: a keep-alive connection stays on one
worker, and a client that sends one query after another on it must get its whole budget there (a division
would throttle a steady client at half its budget, as the benchmark's clients were). A client whose
connections spread over the workers may so use up to `workers` budgets, still within its share of processes.
A whole pool can still be filled by many clients at once; then a query waits at most `queue_timeout` for a
process and gets 503 (that is capacity, not fairness).

Query time is what a query takes in the pool, waiting for a process included, measured here; a query that
runs past `query_timeout` is stopped there, so no admitted query holds a share for longer.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from mitigraph.settings import Network, Settings

WINDOW_SECONDS = 60.0
"""The sliding window of the query-time budget."""
IPV6_CLIENT_PREFIX = 64
UNKNOWN_CLIENT = "unknown"
"""The key of requests whose peer address the server does not know (they share one set of limits)."""
FORGET_AFTER_SECONDS = WINDOW_SECONDS
"""A client with nothing running and no query time left in the window is forgotten (bounds the memory)."""


class ClientLimitReached(Exception):
    """The client is past one of its limits; the message names it and `retry_after` says when to retry."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


def client_of(peer: str | None, forwarded_for: Sequence[str], *, trusted: Sequence[Network]) -> str:
    """The client a request counts against: see the module docstring for how proxies are read."""
    if peer is None:
        return UNKNOWN_CLIENT
    if not trusted or not _is_trusted(peer, trusted):
        return _client_key(peer)
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        if not hop:
            continue
        if not _is_trusted(hop, trusted):
            return _client_key(hop)
    return _client_key(peer)


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def _client_key(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or UNKNOWN_CLIENT
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


@dataclass
class _Usage:
    """One client's queries: the start times of those running, and the query time of those that ended in
    the window, summed per whole second of their end (so at most one entry per second of the window).

    A query counts with its whole duration until a minute after it ended; the time of running queries
    counts as it accrues. Every operation is constant time (amortised), whatever the client's rate.
    """

    running: list[float] = field(default_factory=list)
    ended: deque[tuple[int, float]] = field(default_factory=deque)
    ended_seconds: float = 0.0

    def add(self, start: float, end: float) -> None:
        second, seconds = math.floor(end), end - start
        if self.ended and self.ended[-1][0] == second:
            seconds += self.ended.pop()[1]
        self.ended.append((second, seconds))
        self.ended_seconds += end - start

    def forget_before(self, since: float) -> None:
        while self.ended and self.ended[0][0] + 1 <= since:
            self.ended_seconds -= self.ended.popleft()[1]
        if not self.ended:
            self.ended_seconds = 0.0

    def seconds_used(self, now: float) -> float:
        return self.ended_seconds + sum(now - start for start in self.running)

    def idle(self) -> bool:
        return not self.running and not self.ended


@dataclass(frozen=True)
class Shares:
    """What one web worker admits of each client (see the module docstring)."""

    concurrent: int
    seconds_per_minute: float
    client_queries: int
    workers: int
    pool_bound: bool
    """Whether the pool's size, not client_queries, bounds `concurrent`."""

    @classmethod
    def of(cls, settings: Settings) -> Shares:
        share = math.ceil(settings.client_queries / settings.workers)
        slots = settings.query_slots
        concurrent = min(share, slots - 1) if slots > 1 else share
        return cls(
            concurrent=max(1, concurrent),
            pool_bound=concurrent < share,
            seconds_per_minute=settings.client_query_seconds,
            client_queries=settings.client_queries,
            workers=settings.workers,
        )


class FairShare:
    """Admits a client's query when it is within its shares; thread-safe (handlers run in a threadpool)."""

    def __init__(
        self, shares: Shares, *, query_timeout: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._shares = shares
        self._query_timeout = query_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Usage] = {}
        self._last_sweep = clock()

    @contextmanager
    def admitted(self, client: str) -> Iterator[None]:
        """Count the body of the `with` as one of `client`'s queries; raise ClientLimitReached first if the
        client is past a limit (then nothing is counted)."""
        started = self._admit(client)
        try:
            yield
        finally:
            self._finish(client, started)

    def clients(self) -> int:
        """How many clients are remembered (for tests and monitoring)."""
        with self._lock:
            return len(self._clients)

    def _admit(self, client: str) -> float:
        with self._lock:
            now = self._clock()
            self._sweep(now)
            usage = self._clients.setdefault(client, _Usage())
            usage.forget_before(now - WINDOW_SECONDS)
            if len(usage.running) >= self._shares.concurrent:
                raise ClientLimitReached(
                    self._concurrency_message(), retry_after=self._concurrency_retry(usage, now)
                )
            used = usage.seconds_used(now)
            if used >= self._shares.seconds_per_minute:
                raise ClientLimitReached(self._time_message(used), retry_after=self._time_retry(usage, now))
            usage.running.append(now)
            return now

    def _finish(self, client: str, started: float) -> None:
        with self._lock:
            usage = self._clients.setdefault(client, _Usage())
            usage.running.remove(started)
            usage.add(started, self._clock())

    def _sweep(self, now: float) -> None:
        """Forget idle clients, at most once per window, so memory follows the clients of the last minute."""
        if now - self._last_sweep < FORGET_AFTER_SECONDS:
            return
        self._last_sweep = now
        for client in list(self._clients):
            usage = self._clients[client]
            usage.forget_before(now - WINDOW_SECONDS)
            if usage.idle():
                del self._clients[client]

    def _concurrency_message(self) -> str:
        shares = self._shares
        at_once = min(shares.client_queries, shares.concurrent * shares.workers)
        pool = "; never every query process of a web worker" if shares.pool_bound else ""
        return (
            f"too many queries at once from this client: it may run {at_once} at a time "
            f"({self._per_worker(f'{shares.concurrent}', '--client-queries')}{pool}); "
            "try again when one has finished"
        )

    def _time_message(self, used: float) -> str:
        shares = self._shares
        return (
            f"this client has used {used:.0f} s of query time in the last minute; a client may use "
            f"{shares.seconds_per_minute:g} s per minute (--client-query-seconds)"
        )

    def _per_worker(self, share: str, option: str) -> str:
        """The option, and the share of each web worker when there are several (the module docstring)."""
        if self._shares.workers == 1:
            return option
        return f"{option}; {share} on each of the {self._shares.workers} web workers"

    def _concurrency_retry(self, usage: _Usage, now: float) -> int:
        """Seconds until the oldest running query is certain to have ended (it is stopped at the timeout)."""
        oldest = min(usage.running)
        return max(1, math.ceil(oldest + self._query_timeout - now))

    def _time_retry(self, usage: _Usage, now: float) -> int:
        """Whole seconds until enough query time has left the window, if the client runs nothing meanwhile
        (its running queries end by the query timeout at the latest)."""
        used = usage.seconds_used(now)
        for second, seconds in usage.ended:
            used -= seconds
            if used < self._shares.seconds_per_minute:
                return max(1, math.ceil(second + 1 + WINDOW_SECONDS - now))
        return math.ceil(WINDOW_SECONDS + self._query_timeout)
