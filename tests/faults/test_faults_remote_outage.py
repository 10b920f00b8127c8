"""The remote backend when its ``oxigraph serve`` dies or freezes, or its Virtuoso freezes, seen
through the real service (``oos-kg serve`` on loopback): 503 (unreachable) or 504 (no answer in
time) with the reason, quickly, never a hang; and once the store is back (same port, same data
directory) everything answers without restarting us.

``tests/integration/test_remote_store.py`` covers a clean shutdown through the ASGI app;
here the store is killed with SIGKILL while a query is in flight, and frozen with SIGSTOP
(connections are accepted by the kernel but never answered).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from live_service import QUERY_TIMEOUT_S, Service, load, service_env, start_service, stop_service
from store_support import (
    OXIGRAPH,
    RemoteServer,
    free_port,
    hold,
    make_source_tree,
    wait_until_up,
)

from oos_kg.resources import graph_sources

pytestmark = pytest.mark.integration

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK_S = 6.0  # the ping's own limit is 5 s


class Oxigraph:
    """An ``oxigraph serve`` process that can be killed and started again on the same port."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers.

        Raises:
            RuntimeError: it did not come up.
        """
        self.process = subprocess.Popen(
            [
                str(OXIGRAPH),
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(f"{self.base}/query?query=ASK%7B%7D", self.process, seconds=60)

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the server process."""
        assert self.process is not None
        os.kill(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the server and reap it."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """End the server if it runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.kill()


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Oxigraph, Service]]:
    """A loaded ``oxigraph serve`` and ``oos-kg serve`` using it as the remote store; each
    test leaves the store running again."""
    tmp_path = tmp_path_factory.mktemp("outage")
    oxigraph = Oxigraph(tmp_path / "oxigraph")
    oxigraph.start()
    tree = make_source_tree(tmp_path / "sources")
    remote = {
        "OOS_KG_STORE": "remote",
        "OOS_KG_REMOTE_QUERY_URL": f"{oxigraph.base}/query",
        "OOS_KG_REMOTE_UPDATE_URL": f"{oxigraph.base}/update",
    }
    service: Service | None = None
    try:
        load(service_env(tree, **remote), "--remote")
        service = start_service(tree, None, log=tmp_path / "serve.log", **remote)
        yield oxigraph, service
    finally:
        if service is not None:
            stop_service(service)
        oxigraph.stop()


def answers_within(
    service: Service, seconds: float, method: str, url: str, **kw: object
) -> httpx.Response:
    started = time.monotonic()
    response = service.client.request(method, url, timeout=seconds + 5, **kw)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"{method} {url} took {elapsed:.1f} s"
    return response


def assert_outage_is_reported(service: Service, seconds: float, query_status: int = 503) -> None:
    """/ready, a query and a GraphQL question, sent at once, each answer within ``seconds``
    with the reason; /health stays 200."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        asked = [
            pool.submit(answers_within, service, seconds, "GET", "/ready"),
            pool.submit(
                answers_within, service, seconds, "POST", "/sparql", data={"query": "ASK {}"}
            ),
            pool.submit(
                answers_within,
                service,
                seconds,
                "POST",
                "/graphql",
                json={"query": "{ products { totalCount } }"},
            ),
        ]
        ready, query, graphql = (future.result() for future in asked)
    assert ready.status_code == 503
    assert ready.json()["error"]["code"] == "store_unavailable"
    assert ready.json()["error"]["message"]  # the reason
    assert query.status_code == query_status
    assert query.json()["error"]["message"]
    assert graphql.status_code in (200, 503, 504)
    if graphql.status_code == 200:
        assert graphql.json()["data"] is None or graphql.json()["errors"]
    health = answers_within(service, 2.0, "GET", "/health")
    assert health.status_code == 200


def test_a_killed_store_gives_503_fast_and_its_return_needs_no_restart(
    outage: tuple[Oxigraph, Service],
) -> None:
    oxigraph, service = outage
    assert service.get("/ready").status_code == 200
    before = service.count()

    in_flight: list[httpx.Response] = []

    def expensive() -> None:
        with httpx.Client(base_url=service.url, timeout=60, trust_env=False) as client:
            in_flight.append(client.post("/sparql", data={"query": EXPENSIVE}))

    thread = threading.Thread(target=expensive)
    thread.start()
    time.sleep(0.3)
    oxigraph.kill()
    thread.join(timeout=QUERY_TIMEOUT_S + 10)
    assert not thread.is_alive(), "the query in flight hung after the store died"
    assert in_flight[0].status_code == 503

    assert_outage_is_reported(service, QUICK_S)
    message = service.post("/sparql", data={"query": "ASK {}"}).json()["error"]["message"]
    assert "unreachable" in message or "does not answer" in message

    oxigraph.start()  # same port, same data directory
    assert service.get("/ready").status_code == 200
    assert service.count() == before
    service.assert_alive()
    assert service.process.poll() is None  # never restarted


def test_a_frozen_store_gives_504_within_the_limits_not_a_hang(
    outage: tuple[Oxigraph, Service],
) -> None:
    oxigraph, service = outage
    before = service.count()
    oxigraph.signal(signal.SIGSTOP)
    try:
        assert_outage_is_reported(service, QUICK_S + QUERY_TIMEOUT_S, query_status=504)
        query = service.post("/sparql", data={"query": "ASK {}"})
        assert query.json()["error"]["code"] == "query_timeout"
    finally:
        oxigraph.signal(signal.SIGCONT)
    assert_back(service, before)


def assert_back(service: Service, before: int) -> None:
    """/ready turns 200 again by itself, with the data as it was."""
    deadline = time.monotonic() + 20
    while service.get("/ready").status_code != 200:
        assert time.monotonic() < deadline, "the store came back but /ready stays 503"
        time.sleep(0.2)
    assert service.count() == before
    service.assert_alive()


def test_a_frozen_virtuoso_gives_504_within_the_limits_and_its_return_needs_no_restart(
    virtuoso: RemoteServer, tmp_path: Path
) -> None:
    assert virtuoso.pid is not None
    tree = make_source_tree(tmp_path / "sources")
    hold(
        virtuoso,
        graph_sources(tree),
        load=lambda: load(service_env(tree, **virtuoso.env()), "--remote"),
    )
    service = start_service(tree, None, log=tmp_path / "serve.log", **virtuoso.env())
    try:
        before = service.count()
        os.kill(virtuoso.pid, signal.SIGSTOP)
        try:
            # Virtuoso is given twice the limit and a second to stop by itself
            assert_outage_is_reported(service, QUICK_S + 2 * QUERY_TIMEOUT_S + 1, 504)
        finally:
            os.kill(virtuoso.pid, signal.SIGCONT)
        assert_back(service, before)
    finally:
        stop_service(service)
