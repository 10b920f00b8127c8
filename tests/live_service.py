"""The service as deployed, for black-box tests: ``oos-kg serve`` in its own process.

Also a loopback "trap" listener that records every connection made to it, so a test can
assert that untrusted input never made the service reach out.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from store_support import free_port

OOS_KG = str(Path(sys.executable).parent / "oos-kg")
ADMIN_TOKEN = "security-probe-admin-token-0123456789"
ASK_ANYTHING = "ASK { ?s ?p ?o }"

LIMITS = {
    "/sparql": 200_000,
    "/sparql/update": 200_000,
    "/validate": 1_000_000,
    "/graphql": 100_000,
}
"""Body limits the service runs with (smaller than the defaults, so probes stay quick)."""

QUERY_TIMEOUT_S = 2.0

LEAKS = re.compile(r"Traceback|File \"|\.py\b|site-packages|/work/|/tmp/|/home/|/usr/")


def assert_clean_4xx(response: httpx.Response, *names: str) -> str:
    """Assert a 4xx whose body names one of ``names`` and leaks nothing; return the text.

    Raises:
        AssertionError: on any other status, a leak, or a message naming none of ``names``.
    """
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    text = response.text
    assert not LEAKS.search(text), text[:500]
    assert any(name.lower() in text.lower() for name in names), (names, text[:500])
    return text


@dataclass
class Service:
    """A running ``oos-kg serve`` process and an HTTP client of it."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.url, timeout=30.0, trust_env=False)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET on the service."""
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """POST to the service."""
        return self.client.post(url, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Any request to the service."""
        return self.client.request(method, url, **kwargs)

    def select(self, query: str) -> list[dict[str, Any]]:
        """Run a SELECT over HTTP and return its bindings.

        Raises:
            AssertionError: when the service does not answer 200.
        """
        response = self.post("/sparql", data={"query": query})
        assert response.status_code == 200, response.text
        bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
        return bindings

    def count(self, where: str = "GRAPH ?g { ?s ?p ?o }") -> int:
        """Count the solutions of a pattern over the whole store."""
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(rows[0]["n"]["value"])

    def assert_alive(self, within_s: float = 5.0) -> None:
        """Assert that /health and a cheap SPARQL query answer promptly.

        Raises:
            AssertionError: when either fails or is slow, or the process died.
        """
        assert self.process.poll() is None, f"the service exited: {self.log_tail()}"
        started = time.monotonic()
        health = self.client.get("/health", timeout=within_s)
        assert health.status_code == 200, health.text
        ask = self.client.post(
            "/sparql",
            content=ASK_ANYTHING,
            headers={"Content-Type": "application/sparql-query"},
            timeout=within_s,
        )
        assert ask.status_code == 200, ask.text
        assert ask.json()["boolean"] is True
        assert time.monotonic() - started < within_s

    def log_size(self) -> int:
        """The current length of the server log (a mark for :meth:`log_since`)."""
        return self.log.stat().st_size

    def log_since(self, mark: int) -> str:
        """The server log written after ``mark``."""
        with self.log.open("rb") as handle:
            handle.seek(mark)
            return handle.read().decode("utf-8", "replace")

    def log_tail(self) -> str:
        """The last lines of the server log."""
        return self.log.read_text("utf-8", "replace")[-3000:]


def service_env(tree: Path, **extra: str) -> dict[str, str]:
    """Environment of a service over the source tree ``tree`` (limits, token, time limit)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OOS_KG_") and key.lower() not in {"http_proxy", "https_proxy"}
    }
    env.update(
        OOS_KG_RESOURCE_ROOT=str(tree),
        OOS_KG_ADMIN_TOKEN=ADMIN_TOKEN,
        OOS_KG_QUERY_TIMEOUT_S=str(QUERY_TIMEOUT_S),
        OOS_KG_QUERY_WORKERS="2",
        OOS_KG_QUERY_BODY_LIMIT=str(LIMITS["/sparql"]),
        OOS_KG_UPDATE_BODY_LIMIT=str(LIMITS["/sparql/update"]),
        OOS_KG_VALIDATE_BODY_LIMIT=str(LIMITS["/validate"]),
        OOS_KG_GRAPHQL_BODY_LIMIT=str(LIMITS["/graphql"]),
    )
    env.update(extra)
    return env


def load(env: dict[str, str], *args: str) -> None:
    """Run ``oos-kg load`` with ``args`` and wait for it.

    Raises:
        subprocess.CalledProcessError: when the load fails.
    """
    subprocess.run([OOS_KG, "load", *args], env=env, check=True, capture_output=True, timeout=180)


def start_service(tree: Path, store: Path | None, log: Path | None = None, **extra: str) -> Service:
    """Load ``tree`` into an embedded store at ``store`` (or use the remote store named in
    ``extra``), then start ``oos-kg serve`` on a free loopback port and wait until it answers.

    Raises:
        RuntimeError: the service did not come up.
    """
    env = service_env(tree, **extra)
    args = ["--store", str(store)] if store is not None else []
    if store is not None:
        load(env, *args)
    port = free_port()
    log = log or (store or tree).with_name(f"serve-{port}.log")
    handle = log.open("wb")
    process = subprocess.Popen(
        [OOS_KG, "serve", "--no-load", *args, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    service = Service(f"http://127.0.0.1:{port}", process, log, env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oos-kg serve exited with {process.returncode}: {log.read_text()}")
        try:
            if service.client.get("/health", timeout=1.0).status_code == 200:
                warm_up(service)
                return service
        except httpx.TransportError:
            time.sleep(0.05)
    stop_service(service)
    raise RuntimeError(f"oos-kg serve did not come up: {log.read_text()}")


WARM_UP = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # from: parse with the guard too"


def warm_up(service: Service, seconds: float = 60.0) -> None:
    """Send cheap queries until every query worker has started and answers.

    Workers start on the first query and the start counts against its time limit, which
    is short in these tests; on a busy machine the first queries may time out.

    Raises:
        RuntimeError: the workers did not answer within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    answered = 0
    while answered < 4:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the query workers did not start: {service.log_tail()}")
        response = service.client.post("/sparql", data={"query": WARM_UP})
        answered = answered + 1 if response.status_code == 200 else 0


def stop_service(service: Service) -> None:
    """Stop the service process (SIGTERM, then SIGKILL) and close the client."""
    service.client.close()
    service.process.terminate()
    try:
        service.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        service.process.kill()
        service.process.wait()


_CANNED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 30\r\n"
    b"Connection: close\r\n\r\n<urn:a> <urn:b> <urn:trapped> ."
)


class Listener:
    """A TCP server on 127.0.0.1 that records each connection and the first bytes sent.

    It answers anything with a small Turtle document, so a client that reached it would
    also get data back (and a test could see it in a result).
    """

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        self.hits: list[bytes] = []
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="trap-listener", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """An http URL on the listener."""
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1.0)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                with self._lock:
                    self.hits.append(data)
                try:
                    conn.sendall(_CANNED)
                except OSError:
                    pass

    def clear(self) -> None:
        """Forget the connections seen so far."""
        with self._lock:
            self.hits.clear()

    def assert_untouched(self, settle_s: float = 0.2) -> None:
        """Assert that nobody connected (after a short wait for late connections).

        Raises:
            AssertionError: naming the first request the listener received.
        """
        time.sleep(settle_s)
        with self._lock:
            hits = list(self.hits)
        assert not hits, f"{len(hits)} outbound connection(s); first: {hits[0][:200]!r}"

    def close(self) -> None:
        """Stop listening."""
        self._closed = True
        self._sock.close()
