"""/sparql is served in front of FastAPI, behind the layers FastAPI's stack gave it (mitigraph.web.app
`sparql_layers`): endpoints that fail on purpose, served on loopback, show each error answered as before."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from flask import Flask
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send
from tests.support.polling import poll_until
from tests.support.servers import LOOPBACK, free_port

from mitigraph.web.app import sparql_layers
from mitigraph.web.errors import INTERNAL_ERROR, ErrorResponses
from mitigraph.web.sparql_request import ProtocolError

ORIGIN = "https://yasgui.example"
SECRET = "secret detail at /work/main/server/mitigraph/x.py"


async def failing_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    """Fails as its path says: /crash (a bug), /refuse (a ProtocolError), /missing (an HTTPException)."""
    if scope["path"] == "/crash":
        raise RuntimeError(SECRET)
    if scope["path"] == "/refuse":
        raise ProtocolError(429, "slow down", retry_after=7)
    raise HTTPException(404)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The layered endpoint on loopback: its URL. A 500 ends its connection (the error is raised on to
    uvicorn, as ServerErrorMiddleware raised it), so each test opens its own."""
    app = sparql_layers(failing_endpoint, ErrorResponses(Flask(__name__)))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host=LOOPBACK, port=port, log_level="critical", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        poll_until(lambda: server.started, timeout=10, message="the layered app did not start")
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def layered(served: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served, timeout=10) as client:
        yield client


def test_a_bug_is_an_opaque_500_without_cors_and_is_logged(
    layered: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="mitigraph.web.errors"):
        response = layered.get("/crash", headers={"Origin": ORIGIN})
    assert response.status_code == 500
    assert response.text == INTERNAL_ERROR + "\n"
    assert response.headers["content-type"].startswith("text/plain")
    assert "access-control-allow-origin" not in response.headers
    assert "unexpected error answering GET /crash" in caplog.text
    assert SECRET in caplog.text


def test_a_refusal_keeps_its_status_headers_and_cors(layered: httpx.Client) -> None:
    response = layered.post("/refuse", headers={"Origin": ORIGIN})
    assert response.status_code == 429
    assert response.text == "slow down\n"
    assert response.headers["retry-after"] == "7"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Retry-After" in response.headers["access-control-expose-headers"]
    assert response.headers["vary"] == "Accept, Origin"


def test_an_http_exception_is_written_in_the_one_error_format(layered: httpx.Client) -> None:
    response = layered.get("/missing", headers={"Accept": "text/plain"})
    assert response.status_code == 404
    assert response.text == "there is no page at this address\n"


def test_a_preflight_is_answered_before_the_endpoint(layered: httpx.Client) -> None:
    response = layered.options("/crash", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-methods"] == "GET, HEAD, POST"
