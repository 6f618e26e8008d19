"""Load a graph into any SPARQL 1.1 store through the Graph Store HTTP Protocol.

Oxigraph server, Fuseki, GraphDB, Virtuoso and QLever all accept a graph as the body of a PUT (replace) or
POST (add) to their graph store URL, addressed with `?default` or `?graph=IRI`. That is all `publish` needs:
one HTTP request, with the body streamed so a large graph shows its progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
from rdflib import Graph

CONTENT_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle"}
"""The body formats `publish` sends, by short name, with their media types."""
RDFLIB_FORMATS = {"nt": "nt", "ttl": "turtle"}
GSP_PATH = "store"
"""Where Oxigraph server answers the Graph Store Protocol, relative to its root."""
QUERY_PATHS = ("query", "sparql")
CHUNK_BYTES = 1024 * 1024
DEFAULT_TIMEOUT = 300.0
"""Seconds to wait for the store to take the graph: a million triples can take a while to index."""
MAX_ERROR_BODY = 500


class PublishError(Exception):
    """The store could not be reached or refused the graph; the message names the URL and the answer."""


@dataclass(frozen=True, kw_only=True)
class GraphStoreTarget:
    """Where the graph goes: the store's GSP URL and the graph in it (None: the default graph)."""

    gsp_url: str
    graph: str | None = None
    replace: bool = False
    """PUT (replace what the graph holds) instead of POST (add to it)."""

    @property
    def method(self) -> str:
        return "PUT" if self.replace else "POST"

    def request_url(self) -> httpx.URL:
        url = httpx.URL(self.gsp_url)
        if self.graph is None:
            return url.copy_with(query=b"default")
        return url.copy_merge_params({"graph": self.graph})


def default_gsp_url(endpoint: str) -> str:
    """The Graph Store URL of an Oxigraph-style server: `<root>/store`, whether given the root or /query."""
    root = endpoint.rstrip("/")
    head, _, last = root.rpartition("/")
    if last in QUERY_PATHS and head:
        root = head
    return f"{root}/{GSP_PATH}"


def graph_body(graph: Graph, *, body_format: str = "nt") -> bytes:
    """Serialise the graph for upload (N-Triples by default: the fastest for every store to parse)."""
    if body_format not in CONTENT_TYPES:
        raise ValueError(f"unknown body format {body_format!r}; expected one of {', '.join(CONTENT_TYPES)}")
    return graph.serialize(format=RDFLIB_FORMATS[body_format], encoding="utf-8")


def _chunks(body: bytes, on_progress: Callable[[int], None] | None) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK_BYTES):
        chunk = body[start : start + CHUNK_BYTES]
        yield chunk
        if on_progress is not None:
            on_progress(len(chunk))


def upload(
    body: bytes,
    *,
    target: GraphStoreTarget,
    body_format: str = "nt",
    timeout: float = DEFAULT_TIMEOUT,
    on_progress: Callable[[int], None] | None = None,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """Send the serialised graph to the store; raise PublishError unless it answers 2xx.

    `on_progress` receives the byte count of each chunk as it is sent.
    """
    headers = {"Content-Type": CONTENT_TYPES[body_format], "Content-Length": str(len(body))}
    url = target.request_url()
    owned = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0))
    try:
        response = http.request(target.method, url, content=_chunks(body, on_progress), headers=headers)
    except httpx.ConnectError as error:
        raise PublishError(f"cannot reach the graph store at {url}: {error}") from error
    except httpx.TimeoutException as error:
        raise PublishError(f"the graph store at {url} did not answer within {timeout:g} s") from error
    except httpx.HTTPError as error:
        raise PublishError(f"the request to {url} failed: {error}") from error
    finally:
        if owned:
            http.close()
    if not response.is_success:
        detail = response.text.strip()[:MAX_ERROR_BODY]
        raise PublishError(
            f"the graph store at {url} answered {target.method} with {response.status_code} "
            f"{response.reason_phrase}" + (f": {detail}" if detail else "")
        )
    return response
