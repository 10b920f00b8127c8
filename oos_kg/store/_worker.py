"""Query worker processes of the embedded store, ended and replaced when a query runs too long.

pyoxigraph has no query timeout and a Python thread cannot be stopped, so every query runs in
a worker process that holds a read-only handle on the published store version. The caller
waits for the answer up to the time limit; past it, the worker is killed (the CPU is released
at once) and a fresh one takes its place, started in the background so the caller gets its
error without waiting. Workers are plain ``python -m oos_kg.store._worker`` subprocesses
talking over their stdin/stdout pipes: no fork of a threaded server, no re-import of the
server's main module.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from oos_kg import errors
from oos_kg.errors import OosKgError, QueryError, QueryTimeout, StoreError

__all__ = ["WorkerPool"]

logger = logging.getLogger(__name__)


def _open_current(layout: Any, cache: dict[str, Any]) -> Any:
    """Return a read-only handle on the published version, reopening after a swap."""
    from pyoxigraph import Store

    name = layout.current_name()
    if name is None:
        layout.current_db()  # raises StoreUnavailable with the reason
    if cache.get("name") != name:
        cache.clear()
        cache["store"] = Store.read_only(str(layout.db_path(name)))
        cache["name"] = name
    return cache["store"]


def _update(layout: Any, text: str, target: str, allowed_hosts: Sequence[str]) -> None:
    """Copy the published version to ``target`` and apply ``text`` there."""
    from pyoxigraph import Store

    from oos_kg.sparql.guard import check_update
    from oos_kg.store._execute import run_update

    check_update(text, allowed_hosts)
    db = layout.db_path(target)
    db.parent.mkdir(parents=True, exist_ok=True)
    if layout.current_name() is not None:
        Store.read_only(str(layout.current_db())).backup(str(db))
    store = Store(str(db))
    run_update(store, text, allowed_hosts)
    store.flush()
    del store


def _handle(message: tuple[Any, ...], layout: Any, cache: dict[str, Any], hosts: Any) -> Any:
    from oos_kg.store._execute import run_query

    op = message[0]
    if op == "update":
        _update(layout, message[1], message[2], hosts)
        return None
    store = _open_current(layout, cache)
    if op == "query":
        _, text, media_types, default_graphs, named_graphs = message
        return run_query(
            store,
            text,
            media_types,
            default_graph_uris=default_graphs,
            named_graph_uris=named_graphs,
            allowed_hosts=hosts,
        )
    return None  # "ping": the store opened


def worker_main(
    conn: Connection | _StdioConnection | None, root: str, allowed_hosts: tuple[str, ...]
) -> None:
    """Serve requests from ``conn`` (stdin/stdout when None) until it closes."""
    from oos_kg.store._versions import StoreLayout

    if conn is None:  # pragma: no cover - started as a subprocess
        _die_with_parent()
        conn = _StdioConnection()

    layout = StoreLayout(Path(root))
    cache: dict[str, Any] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", _handle(message, layout, cache, allowed_hosts))
        except OosKgError as exc:
            reply = ("error", type(exc).__name__, exc.message)
        except RecursionError:
            reply = ("error", "QueryError", "the request is nested too deeply")
        except Exception as exc:  # a store failure: report it, keep serving
            logger.error("query worker: %s: %s", type(exc).__name__, exc)  # to the server log
            reply = ("error", "StoreError", f"the store failed ({type(exc).__name__})")
        conn.send(reply)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its server dies, even mid-query (``kill -9``).

    Without it a worker busy with a runaway query would outlive a killed server.
    """
    parent = os.getppid()
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the EOF on stdin still ends idle workers
        return
    if os.getppid() != parent:  # the server died before prctl took effect
        os._exit(0)


class _StdioConnection:
    """The worker's end: requests on stdin, replies on stdout (print goes to stderr)."""

    def __init__(self) -> None:
        self._in = Connection(os.dup(0), writable=False)
        self._out = Connection(os.dup(1), readable=False)
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def recv(self) -> Any:
        return self._in.recv()

    def send(self, obj: Any) -> None:
        self._out.send(obj)


class _Worker:
    def __init__(self, root: str, allowed_hosts: tuple[str, ...]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oos_kg.store._worker", root, json.dumps(allowed_hosts)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._out = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self._in = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, message: Any) -> None:
        self._out.send(message)

    def poll(self, timeout: float) -> bool:
        return self._in.poll(timeout)

    def recv(self) -> Any:
        return self._in.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        self._out.close()
        self._in.close()


def _unpack(reply: tuple[Any, ...]) -> Any:
    """Return a worker's answer, or raise the error it reported."""
    if reply[0] == "ok":
        return reply[1]
    cls = getattr(errors, reply[1], StoreError)
    if not (isinstance(cls, type) and issubclass(cls, OosKgError)):
        cls = StoreError
    raise cls(reply[2])


class WorkerPool:
    """A fixed number of query worker processes on one embedded store directory.

    Args:
        root: the store directory (see :class:`~oos_kg.store._versions.StoreLayout`).
        size: how many queries may run at once.
        allowed_hosts: hosts SERVICE, LOAD and FROM may name.
    """

    def __init__(self, root: Path, size: int, allowed_hosts: Sequence[str] = ()) -> None:
        self._root = str(root)
        self._size = size
        self._hosts = tuple(allowed_hosts)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        # Every worker is started from this one long-lived thread: Linux delivers a worker's
        # parent-death signal when the *thread* that started it ends, not only the process.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="oos-kg-worker-spawner")

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            for _ in range(self._size):
                self._add()

    def _add(self) -> None:
        """Start a worker (from the spawner thread) and make it available; lock held."""
        worker = self._spawner.submit(_Worker, self._root, self._hosts).result()
        self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now; start its successor in the background."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)

        def respawn() -> None:  # runs on the spawner thread
            successor = _Worker(self._root, self._hosts)
            with self._lock:
                if self._closed:
                    successor.kill()
                    return
                self._all.add(successor)
                self._idle.put(successor)

        try:
            self._spawner.submit(respawn)
        except RuntimeError:  # the pool was closed meanwhile
            pass

    def worker_pids(self) -> list[int]:
        """Return the process ids of the live workers (for tests and diagnostics)."""
        return [w.pid for w in list(self._all)]

    def call(self, message: tuple[Any, ...], timeout_s: float) -> Any:
        """Send ``message`` to an idle worker and return its answer.

        Raises:
            QueryTimeout: no answer within ``timeout_s`` (the worker is killed and replaced),
                or every worker stayed busy that long.
            OosKgError: the error the worker raised, rebuilt with its class and message.
        """
        if self._closed:
            raise StoreError("the store is closed")
        self._start()
        deadline = time.monotonic() + timeout_s
        try:
            worker = self._idle.get(timeout=timeout_s)
        except queue.Empty:
            raise QueryTimeout(
                f"all {self._size} query workers stayed busy for {timeout_s:g} s; try again later"
            ) from None
        try:
            worker.send(message)
            if not worker.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped")
            reply = worker.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryError(
                "the query stopped its worker process (too large or too deeply nested?)"
            ) from None
        self._idle.put(worker)
        return _unpack(reply)

    async def acall(self, message: tuple[Any, ...], timeout_s: float) -> Any:
        """:meth:`call` from a coroutine: the wait happens in a thread, never on the loop.

        Awaiting the worker's pipe on the event loop itself saved a thread hop, but it made
        the reply depend on the loop: a synchronous store call made on the loop (which then
        waits for a worker) could hold up the very replies that would free one.

        Raises:
            As :meth:`call`.
        """
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.call, message, timeout_s)

    def close(self) -> None:
        """Kill every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
        self._spawner.shutdown(wait=False)


if __name__ == "__main__":  # pragma: no cover - the worker subprocess
    worker_main(None, sys.argv[1], tuple(json.loads(sys.argv[2])))
