"""A query over its time limit is stopped for real: its worker is gone, others still answer."""

from __future__ import annotations

import os
import threading
import time

import pytest

from oos_kg.errors import QueryTimeout
from oos_kg.store.embedded import EmbeddedStore

JSON = ("application/sparql-results+json",)
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # ended while being read
        return False


def test_slow_query_times_out_and_its_worker_is_killed(short_limit: EmbeddedStore) -> None:
    short_limit.query_serialized("ASK {}", JSON)  # start the workers
    before = set(short_limit.pool.worker_pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 1.5 s"):
        short_limit.query_serialized(EXPLOSIVE, JSON)  # the store's default limit
    elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 3.0
    killed = before - set(short_limit.pool.worker_pids())
    assert len(killed) == 1
    assert not any(alive(pid) for pid in killed)


def test_cheap_query_is_answered_while_a_slow_one_runs(embedded: EmbeddedStore) -> None:
    embedded.query_serialized("ASK {}", JSON)
    outcome: list[BaseException] = []

    def slow() -> None:
        try:
            embedded.query_serialized(EXPLOSIVE, JSON, timeout_s=4.0)
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert embedded.query_serialized("ASK { ?s ?p ?o }", JSON)[1].endswith(b"true}")
    assert time.monotonic() - started < 1.5
    assert thread.is_alive()  # answered while the slow query was still running
    thread.join()
    assert len(outcome) == 1


def test_pool_recovers_its_size_after_a_timeout(embedded: EmbeddedStore) -> None:
    with pytest.raises(QueryTimeout):
        embedded.query_serialized(EXPLOSIVE, JSON, timeout_s=0.5)
    deadline = time.monotonic() + 10
    while len(embedded.pool.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(embedded.pool.worker_pids()) == 2
    for _ in range(4):  # every worker answers
        assert embedded.query_serialized("ASK { ?s ?p ?o }", JSON)[1].endswith(b"true}")
    assert all(alive(pid) for pid in embedded.pool.worker_pids())
    assert os.getpid() not in embedded.pool.worker_pids()


def test_timed_out_update_changes_nothing(embedded: EmbeddedStore) -> None:
    before = embedded.graph_sizes()
    version = embedded.layout.current_name()
    update = (
        "INSERT { GRAPH <urn:x:g> { ?a <urn:x:p> ?d } } "
        "WHERE { GRAPH ?w { ?a ?b ?c } GRAPH ?x { ?d ?e ?f } GRAPH ?y { ?g ?h ?i }"
        " GRAPH ?z { ?j ?k ?l } }"
    )
    with pytest.raises(QueryTimeout):
        embedded.update(update, timeout_s=1.0)
    assert embedded.layout.current_name() == version
    assert embedded.graph_sizes() == before
    assert [p.name for p in embedded.layout.versions.iterdir()] == [version]
