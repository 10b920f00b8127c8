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

import asyncio
import collections
import contextlib
import json
import logging
import os
import pickle
import struct
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


_PIPE_BYTES = 1 << 20
"""Pipe buffer asked for (Linux ``F_SETPIPE_SZ``): large answers cross in fewer wake-ups."""


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (OSError, ImportError):  # not Linux, or over the system's pipe-max-size
        pass


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
        _widen(self._out.fileno())
        _widen(self._in.fileno())

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def reply_fd(self) -> int:
        """The descriptor the worker's replies arrive on."""
        return self._in.fileno()

    def send(self, message: Any) -> None:
        self._out.send(message)

    def poll(self, timeout: float) -> bool:
        return self._in.poll(timeout)

    def recv(self) -> Any:
        return self._in.recv()

    def signal_kill(self) -> None:
        """Send SIGKILL now (the CPU is released at once); :meth:`kill` reaps it."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    def kill(self) -> None:
        self.signal_kill()
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


def _timed_out(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped")


def _all_busy(size: int, timeout_s: float) -> QueryTimeout:
    return QueryTimeout(
        f"all {size} query workers stayed busy for {timeout_s:g} s; try again later"
    )


def _worker_died() -> QueryError:
    return QueryError("the query stopped its worker process (too large or too deeply nested?)")


class _Exchange:
    """One request to one worker, its reply read on the event loop as it arrives.

    The reply is read with one non-blocking ``os.read`` per readiness callback and framed
    as :class:`multiprocessing.connection.Connection` frames it, so the loop never waits on
    the worker. The exchange finishes on its own even when its caller is cancelled: the
    worker goes back to the pool once its reply is read, or is killed at the deadline.
    """

    def __init__(
        self,
        pool: WorkerPool,
        worker: _Worker,
        loop: asyncio.AbstractEventLoop,
        timeout_s: float,
        remaining_s: float,
    ) -> None:
        self._pool = pool
        self._worker = worker
        self._loop = loop
        self._timeout_s = timeout_s
        self._fd = worker.reply_fd
        self._chunks: list[bytes] = []
        self._have = 0
        self._need: int | None = None  # payload size, once the header is read
        self._header = 4
        self.future: asyncio.Future[Any] = loop.create_future()
        loop.add_reader(self._fd, self._readable)
        self._timer = loop.call_later(remaining_s, self._expired)
        self._open = True

    def _finish(self) -> None:
        self._open = False
        self._loop.remove_reader(self._fd)
        self._timer.cancel()

    def _settle(self, result: Any = None, error: BaseException | None = None) -> None:
        if self.future.done():  # the caller went away; nobody wants the answer
            return
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)

    def _expired(self) -> None:
        if not self._open:
            return
        self._finish()
        self._worker.signal_kill()  # the CPU is free from here on
        self._pool._retire(self._worker)
        self._settle(error=_timed_out(self._timeout_s))

    def _readable(self) -> None:
        if not self._open:
            return
        want = 65536 if self._need is None else self._header + self._need - self._have
        try:
            chunk = os.read(self._fd, max(1, min(want, _PIPE_BYTES)))
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:  # the worker died (stack overflow, out of memory)
            self._finish()
            self._pool._retire(self._worker)
            self._settle(error=_worker_died())
            return
        self._chunks.append(chunk)
        self._have += len(chunk)
        if self._need is None:
            if self._have < self._header:
                return
            data = b"".join(self._chunks)
            self._chunks = [data]
            (size,) = struct.unpack("!i", data[:4])
            if size == -1:
                self._header = 12
                if self._have < self._header:
                    return
                (size,) = struct.unpack("!Q", data[4:12])
            self._need = size
        if self._have < self._header + self._need:
            return
        payload = b"".join(self._chunks)[self._header :]
        self._finish()
        self._pool._release(self._worker)
        try:
            reply = pickle.loads(payload)
        except Exception as exc:  # a garbled reply is the store's failure
            self._settle(error=StoreError(f"unreadable worker reply ({type(exc).__name__})"))
            return
        self._settle(result=reply)


class WorkerPool:
    """A fixed number of query worker processes on one embedded store directory.

    Synchronous callers (:meth:`call`, from threads) wait on a condition; coroutines
    (:meth:`acall`) wait on a future and read the reply on the event loop. Nothing here
    waits on the loop: a worker held by a coroutine is released by the loop's reader, and a
    synchronous call made on the loop's own thread is refused (it would stall the loop and
    the replies that free workers).

    Args:
        root: the store directory (see :class:`~oos_kg.store._versions.StoreLayout`).
        size: how many queries may run at once.
        allowed_hosts: hosts SERVICE, LOAD and FROM may name.
    """

    def __init__(self, root: Path, size: int, allowed_hosts: Sequence[str] = ()) -> None:
        self._root = str(root)
        self._size = size
        self._hosts = tuple(allowed_hosts)
        self._idle: list[_Worker] = []
        self._waiters: collections.deque[
            tuple[asyncio.AbstractEventLoop, asyncio.Future[_Worker]]
        ] = collections.deque()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._available = threading.Condition(self._lock)
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
        workers = [
            self._spawner.submit(_Worker, self._root, self._hosts) for _ in range(self._size)
        ]
        for future in workers:
            self._adopt(future.result())

    def _adopt(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                closed = True
            else:
                closed = False
                self._all.add(worker)
        if closed:
            worker.kill()
            return
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """Give an idle worker to the oldest waiting coroutine, else to the idle list."""
        with self._lock:
            if self._closed:
                return
            while self._waiters:
                loop, future = self._waiters.popleft()
                if future.done() or loop.is_closed():
                    continue
                try:
                    if _running_loop() is loop:
                        loop.call_soon(self._hand, future, worker)
                    else:
                        loop.call_soon_threadsafe(self._hand, future, worker)
                except RuntimeError:  # the loop closed meanwhile
                    continue
                return
            self._idle.append(worker)
            self._available.notify()

    def _hand(self, future: asyncio.Future[_Worker], worker: _Worker) -> None:
        if future.done():  # its caller gave up meanwhile
            self._release(worker)
        else:
            future.set_result(worker)

    def _retire(self, worker: _Worker, *, reap: bool = False) -> None:
        """Kill ``worker`` now and forget it; start its successor in the background.

        With ``reap`` the caller's thread also waits for the process to end (never on the
        event loop); otherwise the spawner thread reaps it.
        """
        if reap:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                worker.kill()
        else:
            worker.signal_kill()
        with self._lock:
            self._all.discard(worker)

        def respawn() -> None:  # runs on the spawner thread
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                worker.kill()
            if not self._closed:
                self._adopt(_Worker(self._root, self._hosts))

        try:
            self._spawner.submit(respawn)
        except RuntimeError:  # the pool was closed meanwhile
            pass

    def worker_pids(self) -> list[int]:
        """Return the process ids of the live workers (for tests and diagnostics)."""
        return [w.pid for w in list(self._all)]

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")
        if not self._started:
            self._start()

    def call(self, message: tuple[Any, ...], timeout_s: float) -> Any:
        """Send ``message`` to an idle worker and return its answer (from a thread).

        Raises:
            QueryTimeout: no answer within ``timeout_s`` (the worker is killed and replaced),
                or every worker stayed busy that long.
            OosKgError: the error the worker raised, rebuilt with its class and message.
            StoreError: called on a thread that runs an event loop (use :meth:`acall`).
        """
        if _running_loop() is not None:
            raise StoreError("a blocking store call was made on the event loop; await it")
        self._check_open()
        deadline = time.monotonic() + timeout_s
        with self._available:
            while not self._idle:
                if self._closed:
                    raise StoreError("the store is closed")
                if not self._available.wait(max(0.0, deadline - time.monotonic())):
                    if not self._idle:
                        raise _all_busy(self._size, timeout_s)
            worker = self._idle.pop()
        try:
            worker.send(message)
            if not worker.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker, reap=True)
                raise _timed_out(timeout_s)
            reply = worker.recv()
        except (EOFError, OSError):
            self._retire(worker, reap=True)
            raise _worker_died() from None
        self._release(worker)
        return _unpack(reply)

    async def _acquire(self, timeout_s: float) -> _Worker:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._idle:
                return self._idle.pop()
            future: asyncio.Future[_Worker] = loop.create_future()
            self._waiters.append((loop, future))

        def give_up() -> None:
            if not future.done():
                future.set_exception(_all_busy(self._size, timeout_s))

        timer = loop.call_later(timeout_s, give_up)
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled() and future.exception() is None:
                self._release(future.result())  # handed over just as the caller left
            raise
        finally:
            timer.cancel()

    async def acall(self, message: tuple[Any, ...], timeout_s: float) -> Any:
        """:meth:`call` for coroutines: the reply is read on the event loop, no thread hop.

        Raises:
            As :meth:`call`.
        """
        self._check_open()
        deadline = time.monotonic() + timeout_s
        worker = await self._acquire(timeout_s)
        try:
            worker.send(message)
        except OSError:
            self._retire(worker)
            raise _worker_died() from None
        loop = asyncio.get_running_loop()
        exchange = _Exchange(self, worker, loop, timeout_s, max(0.0, deadline - time.monotonic()))
        return _unpack(await exchange.future)

    def close(self) -> None:
        """Kill every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._available.notify_all()
        for worker in workers:
            worker.kill()
        self._spawner.shutdown(wait=False)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    return asyncio._get_running_loop()


if __name__ == "__main__":  # pragma: no cover - the worker subprocess
    worker_main(None, sys.argv[1], tuple(json.loads(sys.argv[2])))
