"""The ASGI side of the one error format: FastAPI's, Starlette's and /sparql's errors written like the pages'.

The pages' Flask app writes its own errors (mitigraph.web.views.responses); here the same function writes the
errors of /sparql (ProtocolError), of Starlette's routing and static files (404, 405 with `Allow`), of a
request FastAPI could not read (400) and of anything unexpected (an opaque 500, logged with its traceback).
So no client ever sees FastAPI's JSON `{"detail": ...}`, and a browser gets the site's error page. /sparql
is served in front of FastAPI (mitigraph.web.app), so its errors are answered by two small ASGI layers that
do what FastAPI's exception middleware and Starlette's server-error middleware do with the same handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from flask import Flask
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mitigraph.web.negotiation import error_media_type
from mitigraph.web.sparql_request import PROTOCOL_HEADERS, ProtocolError
from mitigraph.web.views.responses import render_error_page

log = logging.getLogger(__name__)

INTERNAL_ERROR = "internal server error; it has been logged"
ERROR_PAGE_PATH = "/"
"""The request an error page is rendered for: its layout's links are absolute, so any path would do."""


class ErrorResponses:
    """The answer to each kind of error, as an exception handler `(request, error) -> Response`.

    `install` gives them to a FastAPI app; `HandledErrors` and `UnexpectedErrors` answer with them in front
    of an ASGI app that FastAPI does not wrap (/sparql), so both answer every error alike.
    """

    def __init__(self, pages: Flask) -> None:
        self._write = ErrorWriter(pages)

    def install(self, app: FastAPI) -> None:
        """Answer every error of `app` in the one format, HTML pages rendered with the pages' layout."""
        app.add_exception_handler(ProtocolError, self.protocol_error)
        app.add_exception_handler(HTTPException, self.http_error)
        app.add_exception_handler(RequestValidationError, self.unreadable_request)
        app.add_exception_handler(Exception, self.unexpected_error)

    async def protocol_error(self, request: Request, error: Exception) -> Response:
        assert isinstance(error, ProtocolError)
        return await self._write(request, error.status, error.message, headers=error.headers)

    async def http_error(self, request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return await self._write(request, error.status_code, _message(request, error), headers=error.headers)

    async def unreadable_request(self, request: Request, error: Exception) -> Response:
        return await self._write(request, 400, "the request could not be read")

    async def unexpected_error(self, request: Request, error: Exception) -> Response:
        log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=error)
        return await self._write(request, 500, INTERNAL_ERROR)


class _ErrorLayer:
    """An ASGI layer in front of an app outside FastAPI that answers some of the app's exceptions."""

    def __init__(self, app: ASGIApp, errors: ErrorResponses) -> None:
        self._app = app
        self._errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sending = _Watched(send)
        try:
            await self._app(scope, receive, sending)
        except Exception as error:
            if not await self._answer(error, scope, receive, sending):
                raise

    async def _answer(self, error: Exception, scope: Scope, receive: Receive, sending: _Watched) -> bool:
        """Answer `error` if it is this layer's to answer; whether it is answered for good (else it is
        raised on)."""
        raise NotImplementedError


class HandledErrors(_ErrorLayer):
    """FastAPI's ExceptionMiddleware, with ErrorResponses' handlers: a ProtocolError or HTTPException raised
    before the response started is answered with its status; any other exception goes on up (to
    UnexpectedErrors)."""

    async def _answer(self, error: Exception, scope: Scope, receive: Receive, sending: _Watched) -> bool:
        if not isinstance(error, (ProtocolError, HTTPException)):
            return False
        if sending.started:
            raise RuntimeError("Caught handled exception, but response already started.") from error
        request = Request(scope, receive)
        if isinstance(error, ProtocolError):
            response = await self._errors.protocol_error(request, error)
        else:
            response = await self._errors.http_error(request, error)
        await response(scope, receive, sending)
        return True


class UnexpectedErrors(_ErrorLayer):
    """Starlette's ServerErrorMiddleware, with ErrorResponses.unexpected_error: an exception nothing
    answered is logged and answered with an opaque 500 (unless a response had started), then raised on,
    for the server to log it and close the connection."""

    async def _answer(self, error: Exception, scope: Scope, receive: Receive, sending: _Watched) -> bool:
        response = await self._errors.unexpected_error(Request(scope), error)
        if not sending.started:
            await response(scope, receive, sending.send)
        return False


class _Watched:
    """An ASGI `send` that passes every message on and notes whether the response has started."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


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
    """Writes an error response for a request: HTML from the pages' template (rendered in a thread, as
    FastAPI ran its handlers), or plain text."""

    def __init__(self, pages: Flask) -> None:
        self._pages = pages

    async def __call__(
        self, request: Request, status: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        media_type = error_media_type(request.headers.get("accept"))
        if media_type == "text/html":
            body = await to_thread.run_sync(self._page, status, message)
        else:
            body = message + "\n"
        response_headers = {**PROTOCOL_HEADERS, **(headers or {})}
        return Response(body, status_code=status, media_type=media_type, headers=response_headers)

    def _page(self, status: int, message: str) -> str:
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
