"""Untrusted queries awaited on the event loop: replies are read on the loop, yet a query over
its limit is still stopped (its worker killed, the CPU freed) even when nobody awaits it any
more, and nothing synchronous ever waits on the loop."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from oos_kg.errors import QueryTimeout, StoreError
from oos_kg.store.embedded import EmbeddedStore

JSON = ("application/sparql-results+json",)
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = "ASK { ?s ?p ?o }"


def gone(pid: int) -> bool:
    """Whether ``pid`` has ended (a zombie no longer runs)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # ended while being read
        return True


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def answers_true(body: bytes) -> bool:
    return bool(json.loads(body)["boolean"])


def test_async_query_over_its_limit_is_stopped_and_its_worker_killed(
    embedded: EmbeddedStore,
) -> None:
    embedded.query_serialized("ASK {}", JSON)  # start the workers
    before = set(embedded.pool.worker_pids())

    async def slow() -> None:
        await embedded.aquery_serialized(EXPLOSIVE, JSON, timeout_s=1.0)

    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 1 s"):
        asyncio.run(slow())
    assert 0.9 < time.monotonic() - started < 2.5
    killed = before - set(embedded.pool.worker_pids())
    assert len(killed) == 1
    assert wait_for(lambda: all(gone(pid) for pid in killed), 2.0)
    assert wait_for(lambda: len(embedded.pool.worker_pids()) == 2)


def test_abandoned_async_query_is_still_stopped_at_its_limit(embedded: EmbeddedStore) -> None:
    embedded.query_serialized("ASK {}", JSON)
    before = set(embedded.pool.worker_pids())

    async def abandon() -> None:
        task = asyncio.create_task(embedded.aquery_serialized(EXPLOSIVE, JSON, timeout_s=1.0))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(1.3)  # past the limit: the loop's timer killed the worker

    asyncio.run(abandon())
    killed = before - set(embedded.pool.worker_pids())
    assert len(killed) == 1
    assert wait_for(lambda: all(gone(pid) for pid in killed), 2.0)
    assert wait_for(lambda: len(embedded.pool.worker_pids()) == 2)
    assert answers_true(embedded.query_serialized(ASK, JSON)[1])


def test_more_async_queries_than_workers_are_all_answered(embedded: EmbeddedStore) -> None:
    async def many() -> list[tuple[str, bytes]]:
        return await asyncio.gather(*(embedded.aquery_serialized(ASK, JSON) for _ in range(20)))

    answers = asyncio.run(many())
    assert len(answers) == 20
    assert all(answers_true(body) for _, body in answers)
    assert len(embedded.pool.worker_pids()) == 2


def test_a_query_waiting_for_a_busy_pool_times_out_on_its_own_limit(
    embedded: EmbeddedStore,
) -> None:
    async def crowd() -> list[object]:
        slow = [
            asyncio.create_task(embedded.aquery_serialized(EXPLOSIVE, JSON, timeout_s=3.0))
            for _ in range(2)
        ]
        await asyncio.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="all 2 query workers stayed busy"):
            await embedded.aquery_serialized(ASK, JSON, timeout_s=0.5)
        assert time.monotonic() - started < 2.0
        return await asyncio.gather(*slow, return_exceptions=True)

    outcomes = asyncio.run(crowd())
    assert all(isinstance(outcome, QueryTimeout) for outcome in outcomes)


def test_a_thread_waiting_for_a_worker_is_served_while_the_loop_holds_the_others(
    embedded: EmbeddedStore,
) -> None:
    async def mixed() -> tuple[bool, list[object]]:
        slow = [
            asyncio.create_task(embedded.aquery_serialized(EXPLOSIVE, JSON, timeout_s=1.0))
            for _ in range(2)
        ]
        await asyncio.sleep(0.2)
        _, body = await asyncio.to_thread(embedded.query_serialized, ASK, JSON, timeout_s=8.0)
        return answers_true(body), await asyncio.gather(*slow, return_exceptions=True)

    answered, outcomes = asyncio.run(mixed())
    assert answered
    assert all(isinstance(outcome, QueryTimeout) for outcome in outcomes)


def test_a_blocking_untrusted_call_on_the_event_loop_is_refused(embedded: EmbeddedStore) -> None:
    async def blocking() -> None:
        embedded.query_serialized(ASK, JSON)

    with pytest.raises(StoreError, match="on the event loop"):
        asyncio.run(blocking())
