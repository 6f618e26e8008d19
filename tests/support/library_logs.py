"""Quiet the libraries that log every HTTP request they make.

Some import on the way (pylode, through the ontology documentation) calls `logging.basicConfig` at DEBUG,
after which httpx logs each request at INFO: thousands of lines in a benchmark run and in a failing test's
captured log, hiding what matters.
"""

from __future__ import annotations

import logging

PER_REQUEST_LOGGERS = ("httpx", "httpcore", "urllib3", "selenium")


def quiet_library_logging() -> None:
    """Let the HTTP client libraries (and selenium's, over urllib3) log warnings and errors only."""
    for name in PER_REQUEST_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
