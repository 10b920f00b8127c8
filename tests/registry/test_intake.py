"""Submissions parsed and validated in worker processes (``OOS_KG_REGISTRY_WORKERS``) are
stored as those validated in the server's thread, and bad input is refused the same way."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from registry_support import T0, Clock, eu_case

from oos_kg.errors import InputError, RdfSyntaxError, StoreUnavailable
from oos_kg.registry import (
    Caller,
    LocalBackend,
    PooledIntake,
    Registry,
    validation_check,
)
from oos_kg.registry._vocab import PROFILES
from oos_kg.store.memory import MemoryStore
from oos_kg.validation import CaseValidator

HOSPITAL = Caller("t", "institution", "https://example.org/hospital-a", None)


@pytest.fixture(scope="module")
def intake(validators: CaseValidator) -> Iterator[PooledIntake]:
    """One worker process for the module."""
    pool = PooledIntake(validators.facts, 1)
    yield pool
    pool.close()


def _registry(
    kg_store: MemoryStore, validators: CaseValidator, clock: Clock, intake: PooledIntake | None
) -> Registry:
    check = validation_check(validators)
    return Registry(LocalBackend(None), kg_store, check, clock=clock, intake=intake)


def test_a_worker_stores_the_same_version_as_the_server_thread(
    kg_store: MemoryStore, validators: CaseValidator, intake: PooledIntake
) -> None:
    clock = Clock(T0 + timedelta(days=3))  # the 48-hour report is overdue: one violation
    stored = []
    for pool in (None, intake):
        registry = _registry(kg_store, validators, clock, pool)
        written = registry.submit(HOSPITAL, eu_case(notified=False), "turtle", "eu")
        assert (written.conforms, written.findings) == (False, 1)
        version = registry.version(HOSPITAL, written.case_id)
        stored.append((version, registry.history(HOSPITAL, written.case_id)))
    (local, local_history), (pooled, pooled_history) = stored
    assert pooled.findings == local.findings and pooled.obligations == local.obligations
    assert sorted(pooled.ntriples.splitlines()) == sorted(local.ntriples.splitlines())
    assert [h["findings"] for h in pooled_history] == [h["findings"] for h in local_history]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<a> <b> .", RdfSyntaxError),
        (b"<https://example.org/x> a <https://example.org/NotACase> .", InputError),
    ],
    ids=["bad-syntax", "no-case"],
)
def test_a_worker_refuses_bad_input_and_nothing_is_stored(
    kg_store: MemoryStore,
    validators: CaseValidator,
    intake: PooledIntake,
    body: bytes,
    error: type[Exception],
) -> None:
    registry = _registry(kg_store, validators, Clock(), intake)
    with pytest.raises(error) as raised:
        registry.submit(HOSPITAL, body, "turtle", "eu")
    assert raised.value.status == 400  # type: ignore[attr-defined]
    rows = registry.backend.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert rows[0]["n"].value == "0"


def test_a_killed_worker_costs_one_submission_and_the_waiting_one_is_stored(
    kg_store: MemoryStore, validators: CaseValidator
) -> None:
    others = set(multiprocessing.active_children())
    pool = PooledIntake(validators.facts, 1)
    try:
        registry = _registry(kg_store, validators, Clock(), pool)
        registry.submit(HOSPITAL, eu_case(), "turtle", "eu")  # the worker is up
        (worker,) = set(multiprocessing.active_children()) - others
        outcomes: list[object] = []

        def submit() -> None:
            try:
                outcomes.append(registry.submit(HOSPITAL, eu_case(), "turtle", "eu").case_id)
            except StoreUnavailable as exc:
                outcomes.append(exc)

        os.kill(worker.pid, signal.SIGSTOP)  # type: ignore[arg-type]
        both = [threading.Thread(target=submit, daemon=True) for _ in range(2)]
        for thread in both:  # the first waits for the stopped worker, the second for an idle one
            thread.start()
            time.sleep(0.5)
        os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
        worker.join()
        for thread in both:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in both), "a submission waits forever"
        (refused,) = [o for o in outcomes if isinstance(o, StoreUnavailable)]
        (stored,) = [o for o in outcomes if isinstance(o, str)]
        assert refused.status == 503
        assert registry.version(HOSPITAL, stored).version == 1
        rows = registry.backend.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{PROFILES}>) }}"
        )
        assert len(rows) == 2  # the refused submission stored nothing (profiles aside)
    finally:
        pool.close()
    assert set(multiprocessing.active_children()) <= others
