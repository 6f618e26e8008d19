"""The FastAPI side of the one error format: FastAPI's and Starlette's errors written like the pages'.

The pages' Flask app writes its own errors (mitigraph.web.views.responses); here the same function writes the
errors of /sparql (ProtocolError), of Starlette's routing and static files (404, 405 with `Allow`), of a
request FastAPI could not read (400) and of anything unexpected (an opaque 500, logged with its traceback).
So no client ever sees FastAPI's JSON `{"detail": ...}`, and a browser gets the site's error page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mitigraph.web.negotiation import error_media_type
from mitigraph.web.sparql_request import PROTOCOL_HEADERS, ProtocolError

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

INTERNAL_ERROR = "internal server error; it has been logged"
ERROR_PAGE_PATH = "/"
"""The request an error page is rendered for: its layout's links are absolute, so any path would do."""


def install_error_handlers(app: FastAPI, *, pages: Flask) -> None:
    """Answer every error of `app` in the one format, HTML pages rendered with the `pages` app's layout."""
    write = ErrorWriter(pages)

    def protocol_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ProtocolError)
        return write(request, error.status, error.message, headers=error.headers)

    def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return write(request, error.status_code, _message(request, error), headers=error.headers)

    def unreadable_request(request: Request, error: Exception) -> Response:
        return write(request, 400, "the request could not be read")

    def unexpected_error(request: Request, error: Exception) -> Response:
        log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=error)
        return write(request, 500, INTERNAL_ERROR)

    app.add_exception_handler(ProtocolError, protocol_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, unreadable_request)
    app.add_exception_handler(Exception, unexpected_error)


def refuse_other_methods(app: FastAPI, paths: Sequence[str], *, allow: Sequence[str]) -> None:
    """Answer every method but `allow` on `paths` with 405 and `Allow`, rather than let the pages app (mounted
    at "/") answer 404. Added to the app's own routes, after the routes that serve `allow`: an ASGI endpoint
    (not a function) makes a Starlette route match every method."""
    for path in paths:
        app.router.routes.append(Route(path, _MethodNotAllowed(allow), include_in_schema=False))


class _MethodNotAllowed:
    def __init__(self, allow: Sequence[str]) -> None:
        self._allow = tuple(allow)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise ProtocolError(
            405,
            f"{scope['method']} is not allowed here; this address answers {', '.join(self._allow)}",
            allow=self._allow,
        )


class ErrorWriter:
    """Writes an error response for a FastAPI request: HTML from the pages' template, or plain text."""

    def __init__(self, pages: Flask) -> None:
        self._pages = pages

    def __call__(
        self, request: Request, status: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        media_type = error_media_type(request.headers.get("accept"))
        body = self._page(status, message) if media_type == "text/html" else message + "\n"
        response_headers = {**PROTOCOL_HEADERS, **(headers or {})}
        return Response(body, status_code=status, media_type=media_type, headers=response_headers)

    def _page(self, status: int, message: str) -> str:
        from mitigraph.web.views.responses import render_error_page

        with self._pages.test_request_context(ERROR_PAGE_PATH):
            return render_error_page(status, message)


def _message(request: Request, error: HTTPException) -> str:
    if error.status_code == 404:
        return "there is no page at this address"
    if error.status_code == 405:
        allowed = (error.headers or {}).get("Allow", "")
        return f"{request.method} is not allowed here; this address answers {allowed}"
    if error.status_code >= 500:
        return INTERNAL_ERROR
    return str(error.detail)
