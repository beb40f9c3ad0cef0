"""Waiting on what a test needs to have happened: a condition polled until a deadline.

Tests never sleep a fixed time and then assume something happened meanwhile: on a busy
machine it may not have. The deadline only bounds a wait for something that should come.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

DEADLINE = 60.0
"""Seconds to wait for an event before the test fails: far past any idle-machine time."""

_POLL = 0.02


def wait_until(condition: Callable[[], bool], what: str, deadline: float = DEADLINE) -> None:
    """Return once `condition()` holds; AssertionError naming `what` after `deadline` s."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"waited {deadline:g} s for {what}")
        time.sleep(_POLL)


async def until(condition: Callable[[], bool], what: str, deadline: float = DEADLINE) -> None:
    """`wait_until` for a coroutine: the event loop keeps running while it waits."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"waited {deadline:g} s for {what}")
        await asyncio.sleep(_POLL)


def computing(pid: int) -> bool:
    """Whether process `pid` is running or runnable (state R in /proc): a worker that has
    taken a query, not one blocked reading its socket."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2] == "R"
