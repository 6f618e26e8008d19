"""Fair sharing between clients: one client's runaway queries never hold up another client's cheap query.

The real server on loopback: client A connects from 127.0.0.1, client B from 127.0.0.2 (a second loopback
source address stands for a second machine). The rules themselves (who is a client, the sliding minute)
are a table of small cases against `mitigraph.web.fairness`, with a clock the test moves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from tests.support.polling import poll_until
from tests.support.servers import RunningServer, running_server

from mitigraph.settings import Settings, SettingsError, trusted_networks
from mitigraph.web.fairness import (
    UNKNOWN_CLIENT,
    ClientLimitReached,
    FairShare,
    Shares,
    client_of,
)

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s ?p ?o }"
CLIENT_A = "127.0.0.1"
CLIENT_B = "127.0.0.2"
QUERY_TIMEOUT = 5.0
CHEAP_WITHIN = 1.0
"""Seconds within which B's cheap query is answered whatever A does (the issue's target)."""


def client_from(address: str, server: RunningServer, *, timeout: float = 30.0) -> httpx.Client:
    """A client whose connections come from `address`, one connection at a time."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=timeout)


# ---------------------------------------------------------------- who is a client


TRUSTED = trusted_networks(["10.0.0.1", "192.168.0.0/16"])


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        ("203.0.113.7", [], "203.0.113.7"),
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
        ("10.0.0.1", [], "10.0.0.1"),
        ("10.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
        ("10.0.0.1", ["6.6.6.6", "198.51.100.1"], "198.51.100.1"),
        ("10.0.0.1", ["198.51.100.1, 192.168.4.4"], "198.51.100.1"),
        ("10.0.0.1", ["192.168.4.4, 10.0.0.1"], "10.0.0.1"),
        ("10.0.0.1", [" , "], "10.0.0.1"),
        ("2001:db8:1:2:3:4:5:6", [], "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", [], "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.9", [], "198.51.100.9"),
        (None, ["198.51.100.1"], UNKNOWN_CLIENT),
    ],
)
def test_the_client_is_the_peer_or_what_a_trusted_proxy_says(
    peer: str | None, forwarded_for: list[str], client: str
) -> None:
    assert client_of(peer, forwarded_for, trusted=TRUSTED) == client


def test_without_trusted_proxies_forwarded_for_is_ignored() -> None:
    assert client_of("127.0.0.1", ["198.51.100.1"], trusted=()) == "127.0.0.1"


@pytest.mark.parametrize("proxy", ["proxy.example", "10.0.0.300", "10.0.0.0/33", ""])
def test_a_trusted_proxy_that_is_no_address_is_refused_by_name(proxy: str) -> None:
    with pytest.raises(SettingsError, match="--trusted-proxy"):
        Settings(trusted_proxies=(proxy,))


# ---------------------------------------------------------------- the shares, with a clock the test moves


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def shares(**settings: object) -> Shares:
    return Shares.of(Settings(**settings))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "concurrent", "seconds"),
    [
        ({}, 1, 60.0),
        ({"workers": 1}, 1, 60.0),
        ({"workers": 1, "query_workers": 4, "query_threads": 1}, 2, 60.0),
        ({"workers": 1, "query_workers": 4, "query_threads": 1, "client_queries": 8}, 3, 60.0),
        ({"workers": 1, "query_workers": 1, "query_threads": 4, "client_queries": 8}, 3, 60.0),
        ({"workers": 1, "query_workers": 2, "query_threads": 2, "client_queries": 8}, 3, 60.0),
        ({"workers": 2, "query_workers": 4, "query_threads": 1, "client_queries": 3}, 2, 60.0),
        ({"workers": 4, "query_threads": 1, "client_queries": 2, "client_query_seconds": 20.0}, 1, 20.0),
    ],
)
def test_each_worker_admits_its_share_and_never_its_whole_pool(
    settings: dict[str, object], concurrent: int, seconds: float
) -> None:
    share = shares(**settings)
    assert share.concurrent == concurrent
    assert share.seconds_per_minute == seconds


def refusal(fair: FairShare, client: str) -> ClientLimitReached:
    """What `fair` says to one more query of `client`, which the test expects to be refused."""
    with pytest.raises(ClientLimitReached) as refused, fair.admitted(client):
        pass
    return refused.value


def test_past_the_queries_at_once_a_client_is_refused_until_one_ends() -> None:
    clock = Clock()
    fair = FairShare(shares(workers=1, query_workers=4), query_timeout=10.0, clock=clock)
    with fair.admitted("a"), fair.admitted("a"):
        refused = refusal(fair, "a")
        assert "--client-queries" in str(refused)
        assert refused.retry_after == 10
        with fair.admitted("b"):
            pass
    with fair.admitted("a"):
        pass


def test_past_the_query_time_a_client_waits_for_the_minute_to_slide() -> None:
    clock = Clock()
    fair = FairShare(shares(workers=1, client_query_seconds=10.0), query_timeout=10.0, clock=clock)
    for _ in range(2):
        with fair.admitted("a"):
            clock.now += 5.0
    refused = refusal(fair, "a")
    assert "--client-query-seconds" in str(refused)
    assert 50 <= refused.retry_after <= 56
    with fair.admitted("b"):
        pass
    clock.now += refused.retry_after
    with fair.admitted("a"):
        pass


def test_running_queries_count_against_the_time_budget() -> None:
    clock = Clock()
    fair = FairShare(
        shares(workers=1, query_workers=4, client_query_seconds=10.0), query_timeout=30.0, clock=clock
    )
    with fair.admitted("a"):
        clock.now += 11.0
        assert "11 s of query time" in str(refusal(fair, "a"))


def test_clients_of_the_past_minute_only_are_remembered() -> None:
    clock = Clock()
    fair = FairShare(shares(workers=1), query_timeout=10.0, clock=clock)
    for index in range(1000):
        with fair.admitted(f"10.0.{index // 256}.{index % 256}"):
            clock.now += 0.001
    assert fair.clients() == 1000
    clock.now += 121.0
    with fair.admitted("a"):
        pass
    assert fair.clients() == 1


# ---------------------------------------------------------------- over HTTP, two clients


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The default shape (two web workers of two query processes, two queries at once per client)."""
    options = (f"--query-timeout={QUERY_TIMEOUT}",)
    with running_server(*options, log_dir=tmp_path_factory.mktemp("shared")) as server:
        yield server


def run_runaways(server: RunningServer, count: int) -> tuple[list[httpx.Response], threading.Event]:
    """Start `count` runaway queries from client A at once, each on its own connection."""
    responses: list[httpx.Response] = []
    refused = threading.Event()
    lock = threading.Lock()

    def run() -> None:
        with client_from(CLIENT_A, server) as client:
            response = client.post("/sparql", data={"query": RUNAWAY})
        with lock:
            responses.append(response)
            if sum(r.status_code == 429 for r in responses) >= count - 2:
                refused.set()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    return responses, refused


def test_one_clients_runaways_do_not_delay_another_clients_cheap_query(shared: RunningServer) -> None:
    runaways = 6
    responses, refused = run_runaways(shared, runaways)
    assert refused.wait(timeout=QUERY_TIMEOUT - 1), "A's queries past its share were not refused at once"

    latencies = []
    for _ in range(5):
        with client_from(CLIENT_B, shared) as client_b:
            started = time.monotonic()
            response = client_b.get("/sparql", params={"query": CHEAP})
            latencies.append(time.monotonic() - started)
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True
    assert max(latencies) < CHEAP_WITHIN, f"B waited {max(latencies):.2f} s"

    poll_until(
        lambda: len(responses) >= runaways, timeout=QUERY_TIMEOUT + 10, message="A's runaways did not all end"
    )
    statuses = sorted(response.status_code for response in responses)
    assert len(statuses) == runaways
    assert 1 <= statuses.count(503) <= 2, statuses
    assert statuses.count(429) == runaways - statuses.count(503)
    too_many = next(response for response in responses if response.status_code == 429)
    assert "--client-queries" in too_many.text
    assert 1 <= int(too_many.headers["retry-after"]) <= QUERY_TIMEOUT


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One web worker, a one-second query time and two and a half seconds of query time per minute."""
    options = ("--workers=1", "--query-timeout=1", "--client-query-seconds=2.5")
    with running_server(*options, log_dir=tmp_path_factory.mktemp("budgeted")) as server:
        yield server


def test_past_its_query_time_per_minute_a_client_gets_429_and_others_do_not(budgeted: RunningServer) -> None:
    statuses = []
    with client_from(CLIENT_A, budgeted) as client_a:
        for _ in range(5):
            response = client_a.post("/sparql", data={"query": RUNAWAY})
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
    assert statuses[:2] == [503, 503], statuses
    assert statuses[-1] == 429, statuses
    assert "--client-query-seconds" in response.text
    assert "2.5 s per minute" in response.text
    assert 30 <= int(response.headers["retry-after"]) <= 61
    with client_from(CLIENT_B, budgeted) as client_b:
        assert client_b.get("/sparql", params={"query": CHEAP}).status_code == 200


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One web worker of three query processes, one query at once per client, 127.0.0.2 the trusted proxy."""
    options = (
        "--workers=1",
        "--query-workers=3",
        "--client-queries=1",
        f"--query-timeout={QUERY_TIMEOUT}",
        f"--trusted-proxy={CLIENT_B}",
    )
    with running_server(*options, log_dir=tmp_path_factory.mktemp("proxied")) as server:
        yield server


def while_running(server: RunningServer, *, source: str, forwarded_for: str) -> httpx.Client:
    """Start a runaway query from `source`, as the client `forwarded_for` names; return once it runs."""
    started = threading.Event()

    def run() -> None:
        with client_from(source, server) as client:
            started.set()
            client.post("/sparql", data={"query": RUNAWAY}, headers={"X-Forwarded-For": forwarded_for})

    threading.Thread(target=run, daemon=True).start()
    started.wait(timeout=5)
    return client_from(source, server)


def busy_then(client: httpx.Client, forwarded_for: str) -> httpx.Response:
    """A cheap query, repeated until the runaway holds its query process (it is 429 from then on, or 200)."""

    def refused() -> httpx.Response | None:
        response = client.get("/sparql", params={"query": CHEAP}, headers={"X-Forwarded-For": forwarded_for})
        return None if response.status_code == 200 else response

    return poll_until(refused, timeout=QUERY_TIMEOUT - 1, interval=0.01, message="every cheap query got 200")


def test_forwarded_for_from_an_untrusted_peer_changes_nothing(proxied: RunningServer) -> None:
    with while_running(proxied, source=CLIENT_A, forwarded_for="198.51.100.1") as client:
        response = busy_then(client, forwarded_for="198.51.100.2")
    assert response.status_code == 429


def test_forwarded_for_from_a_trusted_proxy_names_the_client(proxied: RunningServer) -> None:
    with while_running(proxied, source=CLIENT_B, forwarded_for="198.51.100.3") as proxy:
        same = busy_then(proxy, forwarded_for="198.51.100.3")
        other = proxy.get("/sparql", params={"query": CHEAP}, headers={"X-Forwarded-For": "198.51.100.4"})
    assert same.status_code == 429
    assert other.status_code == 200
