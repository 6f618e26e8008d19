"""Named limits that really stop the work: query time, result size; and errors that leak nothing."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
from tests.support.servers import RunningServer, running_server

from mitigraph.query_guard import may_be_refused, tokenized_refusal

QUERY_TIMEOUT = 3.0
MAX_RESULT_BYTES = 4000
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
FAST = "ASK { ?s ?p ?o }"
LARGE = "SELECT * WHERE { ?s ?p ?o }"
SMALL = "SELECT * WHERE { ?s ?p ?o } LIMIT 2"
DEEPLY_NESTED = "SELECT * WHERE { FILTER(" + "(" * 30000 + "1" + ")" * 30000 + ") }"
"""Would crash the query engine (a stack overflow); the depth check refuses it first."""
OTHER_CLIENT = "127.0.0.2"
"""Another client's loopback address: its queries are answered while this client's slow query runs."""
LEAKS = ("Traceback", 'File "', ".py", "/work", "/tmp", "site-packages", "Error:", "pyoxigraph")


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One web worker with two query processes, a short query time and a small result size."""
    options = (
        "--workers=1",
        "--query-workers=2",
        f"--query-timeout={QUERY_TIMEOUT}",
        f"--max-result-bytes={MAX_RESULT_BYTES}",
    )
    with running_server(*options, log_dir=tmp_path_factory.mktemp("limited")) as server:
        yield server


@pytest.fixture
def limited_client(limited: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=limited.url, timeout=60.0) as client:
        yield client


def query_processes(server: RunningServer) -> set[int]:
    """The server's query processes (the pool's spawned children of its web worker)."""
    tree = psutil.Process(server.process.pid).children(recursive=True)
    return {child.pid for child in tree if "multiprocessing.spawn" in " ".join(child.cmdline())}


def test_a_slow_query_is_stopped_with_503_while_others_are_answered(
    limited: RunningServer, limited_client: httpx.Client
) -> None:
    processes_before = query_processes(limited)
    assert len(processes_before) == 2
    outcome: list[tuple[httpx.Response, float]] = []

    def run_slow() -> None:
        started = time.monotonic()
        response = limited_client.post("/sparql", data={"query": SLOW})
        outcome.append((response, time.monotonic() - started))

    slow = threading.Thread(target=run_slow)
    slow.start()
    answered_meanwhile = 0
    other = httpx.HTTPTransport(local_address=OTHER_CLIENT)
    with httpx.Client(base_url=limited.url, transport=other, timeout=60.0) as other_client:
        while slow.is_alive():
            response = other_client.get("/sparql", params={"query": FAST})
            assert response.status_code == 200
            if slow.is_alive():
                answered_meanwhile += 1
    slow.join()

    [(response, seconds)] = outcome
    assert response.status_code == 503
    assert f"longer than {QUERY_TIMEOUT:g} s and was stopped" in response.text
    assert QUERY_TIMEOUT <= seconds < QUERY_TIMEOUT + 5
    assert answered_meanwhile >= 3

    processes_after = query_processes(limited)
    stopped = processes_before - processes_after
    assert len(stopped) == 1, "the process running the slow query is ended and replaced"
    assert len(processes_after) == 2
    assert not any(
        psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in stopped
    )
    assert limited_client.get("/sparql", params={"query": FAST}).json()["boolean"] is True


def test_a_result_over_the_size_limit_is_stopped_with_413(limited_client: httpx.Client) -> None:
    response = limited_client.get("/sparql", params={"query": LARGE})
    assert response.status_code == 413
    assert f"larger than {MAX_RESULT_BYTES} bytes" in response.text
    assert limited_client.get("/sparql", params={"query": SMALL}).status_code == 200


def test_a_query_nested_deep_enough_to_crash_the_engine_is_refused_before_it_runs(
    limited: RunningServer, limited_client: httpx.Client
) -> None:
    processes_before = query_processes(limited)
    response = limited_client.post(
        "/sparql", content=DEEPLY_NESTED, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert "--max-query-depth" in response.text
    assert limited_client.get("/sparql", params={"query": FAST}).json()["boolean"] is True
    assert query_processes(limited) == processes_before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { ?x ?p }",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999",
        "PREFIX : <not an iri> SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s <http://a b> ?o }",
        "\x00\x01\x02",
    ],
)
def test_errors_leak_no_exception_text_paths_or_traces(limited_client: httpx.Client, query: str) -> None:
    response = limited_client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert response.text.startswith("malformed query: ")
    for leak in LEAKS:
        assert leak not in response.text


FRAGMENTS = (
    *("insert", "Delete", "ADD", "with", "using", "clear", "create", "drop", "copy", "move"),
    *("service", "From", "load", "ınsert", "ſervice", "ADDRESS", "madd"),
    *(
        ":",
        "mg:",
        "a:b",
        "?x",
        "$y",
        "@en",
        "1",
        "2e5",
        "_",
        "x",
        ".",
        " ",
        "\n",
        "#",
        "<",
        ">",
        "<http://x/>",
    ),
    *("'", '"', "'''", "(", ")", "{", "}", "[", "]", "!", "+", "-", "^", "\\u0049NSERT", "\\", "FILTER", "a"),
    *("?add", "$from", "service:", "%", "·", "\u0345", "ß", "ﬁ", "é", "@en-", "1e5", "_:"),
)
"""Keywords in any case and spellings that upper-case to them; what starts or ends a word for the tokenizer
(a variable, a prefixed name, a language tag, a number, a character that upper-cases to two); strings,
comments, IRIs, brackets."""


def test_the_quick_pre_check_lets_through_nothing_the_refusal_layer_refuses() -> None:
    """`may_be_refused` spares the tokenizer only texts it would certainly let through (random texts built
    from the fragments that matter: keywords in any case, prefixed names, strings, comments, brackets)."""
    chooser = random.Random(13)
    for _ in range(20_000):
        text = "".join(chooser.choice(FRAGMENTS) for _ in range(chooser.randint(1, 12)))
        for depth in (2, 8):
            if tokenized_refusal(text, max_depth=depth) is not None:
                assert may_be_refused(text, max_depth=depth), text
