"""Run a blocking store call in a thread without letting pyoxigraph objects leave it.

pyoxigraph's result objects are bound to the thread that made them and complain (an
unraisable ``RuntimeError``) when dropped on another. A query that fails in a worker thread
raises an exception whose traceback holds the frames, and so the results, of that thread;
the exception is then dropped on the event loop. The frames are cleared before it leaves.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable
from typing import TypeVar

__all__ = ["in_thread"]

T = TypeVar("T")


def _clear(exc: BaseException) -> None:
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending += [current.__cause__, current.__context__]


async def in_thread(func: Callable[[], T]) -> T:
    """Await ``func()`` run in a worker thread; its locals are released in that thread.

    Raises:
        Whatever ``func`` raises.
    """

    def call() -> T:
        try:
            return func()
        except BaseException as exc:
            _clear(exc)
            raise

    return await asyncio.to_thread(call)
