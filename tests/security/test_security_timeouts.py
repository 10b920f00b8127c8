"""An expensive SPARQL query is stopped at the time limit (plus a margin) while a cheap query
sent at the same time is answered promptly; the service stays responsive afterwards."""

from __future__ import annotations

import threading
import time

import httpx
from live_service import ADMIN_TOKEN, QUERY_TIMEOUT_S, Service

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s ?p ?o }"
MARGIN_S = 2.5  # a busy CI machine; the limit itself is 2 s


def test_expensive_query_times_out_while_a_cheap_one_is_answered(server: Service) -> None:
    outcome: dict[str, object] = {}

    def expensive() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=60, trust_env=False) as client:
            response = client.post("/sparql", data={"query": EXPENSIVE})
        outcome["elapsed"] = time.monotonic() - started
        outcome["response"] = response

    thread = threading.Thread(target=expensive)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    cheap = server.post("/sparql", data={"query": CHEAP})
    cheap_s = time.monotonic() - started
    still_running = thread.is_alive()
    thread.join(timeout=QUERY_TIMEOUT_S + 30)

    assert cheap.status_code == 200
    assert cheap.json()["boolean"] is True
    assert still_running, "the cheap query was not answered while the expensive one ran"
    assert cheap_s < 1.5
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "query_timeout"
    assert f"{QUERY_TIMEOUT_S:g} s" in error["message"]
    elapsed = outcome["elapsed"]
    assert isinstance(elapsed, float)
    assert QUERY_TIMEOUT_S - 0.1 < elapsed < QUERY_TIMEOUT_S + MARGIN_S


def test_many_expensive_queries_at_once_do_not_stop_the_service(server: Service) -> None:
    """More expensive queries than workers: each is stopped or turned away on time."""
    results: list[tuple[int, float]] = []

    def expensive() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=60, trust_env=False) as client:
            response = client.post("/sparql", data={"query": EXPENSIVE})
        results.append((response.status_code, time.monotonic() - started))

    threads = [threading.Thread(target=expensive) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [503] * 6
    assert max(elapsed for _, elapsed in results) < 3 * QUERY_TIMEOUT_S + 3 * MARGIN_S
    server.assert_alive(within_s=2 * QUERY_TIMEOUT_S + MARGIN_S)


def test_an_expensive_update_times_out_and_changes_nothing(server: Service) -> None:
    before = server.count()
    update = (
        "INSERT { GRAPH <urn:x:g> { ?a <urn:x:p> ?d } } "
        "WHERE { GRAPH ?w { ?a ?b ?c } GRAPH ?x { ?d ?e ?f } GRAPH ?y { ?g ?h ?i }"
        " GRAPH ?z { ?j ?k ?l } }"
    )
    started = time.monotonic()
    response = server.post(
        "/sparql/update",
        content=update,
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {ADMIN_TOKEN}",
        },
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "query_timeout"
    assert time.monotonic() - started < QUERY_TIMEOUT_S + MARGIN_S
    assert server.count() == before
