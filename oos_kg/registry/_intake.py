"""A submission's parse and validation: in the calling thread, or in worker processes.

Parsing and validating a case holds the GIL for most of its time, so in one process the
submissions of many clients take their turns on one core while the registry's store (which
releases the GIL) and the HTTP server wait. :class:`PooledIntake` runs them in worker
processes instead; the server keeps HTTP, the tokens and the store write. A worker gets the
body through its own pipe and sends back the parsed content and its verdict (the content
crosses as N-Triples text, see :meth:`CaseContent.__reduce__`). Workers start with the first
submissions and end with the server, also when it is killed (:func:`_watch_parent`).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from multiprocessing.connection import Connection

from oos_kg.errors import StoreUnavailable
from oos_kg.registry._content import CaseContent, parse_content
from oos_kg.registry._verdict import Check, Verdict, validation_check
from oos_kg.validation import CaseValidator, KgFacts

__all__ = ["Intake", "PooledIntake", "local_intake"]

Intake = Callable[[bytes, str, str, datetime], tuple[CaseContent, Verdict]]
"""Parse a body (in a format of ``/validate``) and validate it against a framework code as
of a time. Raises what :func:`parse_content` and the check raise."""


def local_intake(check: Check) -> Intake:
    """Return the intake that parses and checks in the calling thread.

    Raises:
        Nothing; the intake raises RdfSyntaxError, UnsupportedMediaType, PayloadTooLarge,
        InputError for bad input.
    """

    def intake(
        body: bytes, input_format: str, framework: str, at: datetime
    ) -> tuple[CaseContent, Verdict]:
        content = parse_content(body, input_format)
        return content, check(content, framework, at)

    return intake


def _watch_parent(parent: int) -> None:
    """End this worker once its server is gone (``kill -9`` included): it is re-parented."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


Request = tuple[bytes, str, str, datetime]
Reply = tuple[bool, object]
"""``(True, (content, verdict))``, or ``(False, the exception parse or check raised)``."""


def _serve(conn: Connection, facts: KgFacts, parent: int) -> None:
    """A worker's life: answer each request on ``conn`` until the server closes it."""
    intake = local_intake(validation_check(CaseValidator(facts)))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    while True:
        try:
            body, input_format, framework, at = conn.recv()
        except EOFError:  # the server closed its end
            return
        reply: Reply
        try:
            reply = (True, intake(body, input_format, framework, at))
        except Exception as exc:  # bad input (or a bug): the server raises it, not the worker
            reply = (False, exc)
        conn.send(reply)


class _Worker:
    """One worker process and the server's end of its pipe (used by one thread at a time)."""

    def __init__(self, facts: KgFacts) -> None:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no fork of
        self.conn, child = context.Pipe()  # a threaded server
        self.process = context.Process(target=_serve, args=(child, facts, os.getpid()), daemon=True)
        self.process.start()
        child.close()

    def ask(self, request: Request) -> Reply:
        """Send a request and wait for its reply. Raises: EOFError, OSError (worker gone)."""
        self.conn.send(request)
        reply: Reply = self.conn.recv()
        return reply

    def stop(self) -> None:
        """Close the pipe (the worker ends when it reads its end) and reap the process."""
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class PooledIntake:
    """Parse and validate in ``workers`` processes, each with a validator over ``facts``.

    A call takes an idle worker (starting one while fewer than ``workers`` run), sends it
    the body through the worker's own pipe and waits for the reply in the calling thread:
    no queue-feeding or result-reading thread between the two.

    Args:
        facts: the KG facts of the server's own validator.
        workers: how many processes (at least 1).
    """

    def __init__(self, facts: KgFacts, workers: int) -> None:
        self._facts = facts
        self._size = max(1, workers)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._running: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def _take(self) -> _Worker:
        with self._lock:
            self._closed = False
            start = len(self._running) < self._size
            if start:
                worker = _Worker(self._facts)
                self._running.add(worker)
        return worker if start else self._idle.get()

    def __call__(
        self, body: bytes, input_format: str, framework: str, at: datetime
    ) -> tuple[CaseContent, Verdict]:
        """Parse and validate in a worker; return the content and its verdict.

        Raises:
            RdfSyntaxError, UnsupportedMediaType, PayloadTooLarge, InputError: bad input.
            StoreUnavailable: the worker died (another takes its place at once).
        """
        worker = self._take()
        try:
            ok, value = worker.ask((body, input_format, framework, at))
        except BaseException as exc:  # the worker is gone or out of step: never reuse it
            worker.stop()
            with self._lock:  # a replacement now, for the calls waiting for an idle one
                self._running.discard(worker)
                replacement = None if self._closed else _Worker(self._facts)
                if replacement is not None:
                    self._running.add(replacement)
            if replacement is not None:
                self._idle.put(replacement)
            if isinstance(exc, EOFError | OSError):
                raise StoreUnavailable(
                    "a validation worker stopped (out of memory?); nothing was stored, try again"
                ) from None
            raise
        self._idle.put(worker)
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]  # what _serve sends with True

    def close(self) -> None:
        """End the workers."""
        with self._lock:
            running, self._running = self._running, set()
            self._closed = True
        for worker in running:
            worker.stop()
