"""Helpers shared by the store, API, CLI and integration tests: a small source tree of
fixture files, and real SPARQL servers on a free loopback port (``oxigraph serve``, and
Debian's Virtuoso as a user process with a throw-away database)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bench._virtuoso import VIRTUOSO, write_ini
from oos_kg.loading import load_store
from oos_kg.resources import GraphSource, sources_hash
from oos_kg.settings import Settings
from oos_kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kg"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
ADMIN_TOKEN = "admin-token-for-tests-0123456789"


def make_source_tree(target: Path) -> Path:
    """Copy the ontology and sources of the repository plus the fixture data into ``target``.

    Returns:
        ``target``, usable as ``graph_sources(target)``.
    """
    (target / "ontology").mkdir(parents=True, exist_ok=True)
    (target / "data").mkdir(parents=True, exist_ok=True)
    for name in ("oos.ttl", "registry.ttl"):
        shutil.copy(ROOT / "ontology" / name, target / "ontology" / name)
    shutil.copy(ROOT / "data" / "sources.ttl", target / "data" / "sources.ttl")
    for name in ("products.ttl", "regulations.ttl"):
        shutil.copy(FIXTURES / "data" / name, target / "data" / name)
    return target


def free_port() -> int:
    """Return a TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 20.0) -> None:
    """Poll ``url`` until it answers, failing fast if ``process`` exits.

    Raises:
        RuntimeError: the process died or the time ran out.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


def _stop(process: subprocess.Popen[bytes], seconds: float = 10.0) -> None:
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def oxigraph_server(
    location: Path, port: int | None = None, timeout_s: float | None = None
) -> Iterator[str]:
    """Run ``oxigraph serve`` on loopback (with ``--timeout-s`` when given); yield its base
    URL; stop it afterwards."""
    with oxigraph_process(location, port, timeout_s) as (base, _):
        yield base


@contextmanager
def oxigraph_process(
    location: Path, port: int | None = None, timeout_s: float | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """:func:`oxigraph_server`, yielding the process too (to watch its activity)."""
    port = port or free_port()
    limit = ["--timeout-s", f"{timeout_s:g}"] if timeout_s is not None else []
    process = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            *limit,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process)
        yield base, process
    finally:
        _stop(process)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def assert_idle(pid: int, within_s: float = 10.0, window_s: float = 0.5) -> None:
    """Assert that a server process comes to rest: some ``window_s`` in which it uses under a
    fifth of a core, within ``within_s``.

    Raises:
        AssertionError: it kept working.
    """
    deadline = time.monotonic() + within_s
    used = 0.0
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(window_s)
        used = cpu_seconds(pid) - before
        if used < window_s / 5:
            return
    raise AssertionError(f"the server still used {used:.2f} s of CPU in {window_s} s")


@dataclass(frozen=True)
class RemoteServer:
    """A running SPARQL server as the remote store's settings name it."""

    engine: str
    query_url: str
    update_url: str
    store_url: str
    user: str | None = None
    password: str | None = None
    max_rows: int | None = None
    pid: int | None = None

    def settings(self) -> dict[str, Any]:
        """Keyword arguments of :class:`~oos_kg.settings.Settings` for this server."""
        values: dict[str, Any] = {
            "store": "remote",
            "remote_engine": self.engine,
            "remote_query_url": self.query_url,
            "remote_update_url": self.update_url,
            "remote_store_url": self.store_url,
        }
        if self.user is not None:
            values.update(remote_user=self.user, remote_password=self.password)
            values["remote_auth"] = "digest"
        if self.max_rows is not None:
            values["remote_max_rows"] = self.max_rows
        return values

    def env(self) -> dict[str, str]:
        """The same settings as ``OOS_KG_*`` environment variables."""
        return {f"OOS_KG_{key.upper()}": str(value) for key, value in self.settings().items()}


def oxigraph_remote(base: str) -> RemoteServer:
    """The remote-store view of an ``oxigraph serve`` at ``base``."""
    return RemoteServer("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store")


VIRTUOSO_MAX_ROWS = 100_000
"""The test database's ResultSetMaxRows (Virtuoso's default, 10,000, is raised)."""


def skip_or_fail(reason: str) -> None:
    """Skip a test whose server cannot run here; under CI (``CI=true``) fail instead.

    Raises:
        pytest.skip.Exception, pytest.fail.Exception: always.
    """
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run it: `make virtuoso` installs it)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[RemoteServer]:
    """Run Debian's ``virtuoso-t`` as a user process on free loopback ports with a new
    database in ``folder``; yield it as a remote store (the dba account, digest auth on
    ``/sparql-auth``, loads through ``/sparql-graph-crud-auth``); stop it afterwards.

    Raises:
        RuntimeError: the server did not come up (its log is in the message).
    """
    http_port, sql_port = free_port(), free_port()
    ini = write_ini(folder, http_port=http_port, sql_port=sql_port, max_rows=VIRTUOSO_MAX_ROWS)
    with (folder / "stdout.log").open("wb") as log:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        try:
            wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, seconds=60)
        except RuntimeError as exc:
            logged = (folder / "virtuoso.log").read_text("utf-8", "replace")[-2000:]
            raise RuntimeError(f"virtuoso did not come up: {exc}\n{logged}") from None
        server = RemoteServer(
            "virtuoso",
            f"{base}/sparql",
            f"{base}/sparql-auth",
            f"{base}/sparql-graph-crud-auth",
            user="dba",
            password="dba",  # the new database's own; the server listens on loopback only
            max_rows=VIRTUOSO_MAX_ROWS,
            pid=process.pid,
        )
        _BASELINE[server.query_url] = server_graphs(server)
        yield server
    finally:
        _HOLDS.pop(f"{base}/sparql", None)
        _stop(process, seconds=20)


_BASELINE: dict[str, frozenset[str]] = {}
"""The graphs each shared server held when it started (an engine's own), by query URL."""
_HOLDS: dict[str, str] = {}
"""What each shared server holds, by query URL: the hash of the sources loaded into it and
unchanged since (absent: not known, clear it before use)."""
_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
"""Every graph of a server (Virtuoso answers GROUP BY at once, DISTINCT in seconds)."""


def server_graphs(server: RemoteServer) -> frozenset[str]:
    """The names of the graphs ``server`` holds, asked over HTTP.

    Raises:
        httpx.HTTPError: the server did not answer 200.
    """
    response = httpx.post(
        server.query_url,
        data={"query": _GRAPHS},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
        trust_env=False,
    )
    response.raise_for_status()
    return frozenset(row["g"]["value"] for row in response.json()["results"]["bindings"])


def clear_server(server: RemoteServer) -> None:
    """Drop every graph ``server`` did not hold when it started: the KG's, case graphs and
    whatever earlier tests wrote.

    Raises:
        httpx.HTTPError: the server refused the update.
    """
    baseline = _BASELINE.setdefault(server.query_url, frozenset())
    graphs = sorted(server_graphs(server) - baseline)
    _HOLDS.pop(server.query_url, None)
    if not graphs:
        return
    auth = httpx.DigestAuth(server.user, server.password or "") if server.user else None
    response = httpx.post(
        server.update_url,
        data={"update": " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)},
        auth=auth,
        timeout=60,
        trust_env=False,
    )
    response.raise_for_status()


def hold(
    server: RemoteServer,
    sources: tuple[GraphSource, ...],
    load: Callable[[], object] | None = None,
) -> RemoteServer:
    """Make a server shared by the session hold exactly the graphs of ``sources``: unless it
    holds them already (and nobody changed them since), clear it and load them (by ``load``,
    or :func:`~oos_kg.loading.load_store`).

    Returns:
        ``server``.

    Raises:
        httpx.HTTPError: the server refused to list or drop its graphs.
        OosKgError: the load failed.
    """
    digest = sources_hash(sources)
    if _HOLDS.get(server.query_url) == digest:
        return server
    clear_server(server)
    if load is not None:
        load()
    else:
        store = open_store(Settings(**server.settings()))
        try:
            load_store(store, sources)
        finally:
            store.close()
    _HOLDS[server.query_url] = digest
    return server


def release(server: RemoteServer) -> None:
    """Say that a test changed what a shared server holds: the next :func:`hold` clears it."""
    _HOLDS.pop(server.query_url, None)


class Client:
    """A synchronous facade over httpx's ASGI transport (no server, no starlette TestClient)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)
