"""The one way the tests wait for something: poll a condition, bounded by a deadline.

Waiting a fixed time for another process or thread to reach a state is either too short on a busy machine
or too long everywhere; polling returns as soon as the state is reached and fails clearly when it never is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class NotInTime(AssertionError):
    """The condition did not hold before the deadline."""


def poll_until(
    predicate: Callable[[], T],
    *,
    timeout: float,
    interval: float = 0.05,
    message: str | Callable[[], str] = "the condition did not hold",
) -> T:
    """Call `predicate` until it returns something truthy, and return that; raise `NotInTime` once
    `timeout` seconds have passed. `interval` spaces the calls. `message` (or what it returns, computed only
    on failure, so it may read a log) says what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        outcome = predicate()
        if outcome:
            return outcome
        left = deadline - time.monotonic()
        if left <= 0:
            text = message() if callable(message) else message
            raise NotInTime(f"{text} (waited {timeout:g} s)")
        time.sleep(min(interval, left))
