"""A submission's parse and validation: in the calling thread, or in worker processes.

Parsing and validating a case holds the GIL for most of its time, so in one process the
submissions of many clients take their turns on one core while the registry's store (which
releases the GIL) and the HTTP server wait. :class:`PooledIntake` runs them in worker
processes instead; the server keeps HTTP, the tokens and the store write. A worker gets the
body and sends back the parsed content and its verdict (the content crosses as N-Triples
text, see :meth:`CaseContent.__reduce__`). Workers start with the first submission and end
with the server, also when it is killed (:func:`_watch_parent`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from datetime import datetime

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


_CHECK: list[Check] = []
"""The worker process's check, set once by :func:`_start_worker`."""


def _watch_parent(parent: int) -> None:
    """End this worker once its server is gone (``kill -9`` included): it is re-parented."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _start_worker(facts: KgFacts, parent: int) -> None:
    _CHECK.append(validation_check(CaseValidator(facts)))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _work(
    body: bytes, input_format: str, framework: str, at: datetime
) -> tuple[CaseContent, Verdict]:
    content = parse_content(body, input_format)
    return content, _CHECK[0](content, framework, at)


class PooledIntake:
    """Parse and validate in ``workers`` processes, each with a validator over ``facts``.

    Args:
        facts: the KG facts of the server's own validator.
        workers: how many processes (at least 1).
    """

    def __init__(self, facts: KgFacts, workers: int) -> None:
        self._facts = facts
        self._workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self._workers,
                    # a fresh interpreter per worker: no fork of a threaded server
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self._facts, os.getpid()),
                )
            return self._pool

    def __call__(
        self, body: bytes, input_format: str, framework: str, at: datetime
    ) -> tuple[CaseContent, Verdict]:
        """Parse and validate in a worker; return the content and its verdict.

        Raises:
            RdfSyntaxError, UnsupportedMediaType, PayloadTooLarge, InputError: bad input.
            StoreUnavailable: a worker died (the pool is started again for the next call).
        """
        pool = self._executor()
        try:
            return pool.submit(_work, body, input_format, framework, at).result()
        except BrokenExecutor:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise StoreUnavailable(
                "a validation worker stopped (out of memory?); nothing was stored, try again"
            ) from None

    def close(self) -> None:
        """End the workers (queued submissions are dropped)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
