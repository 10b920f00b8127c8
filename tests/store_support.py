"""Helpers shared by the store, API, CLI and integration tests: a small source tree of
fixture files and a real ``oxigraph serve`` process on a free loopback port."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

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
    shutil.copy(ROOT / "ontology" / "oos.ttl", target / "ontology" / "oos.ttl")
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


@contextmanager
def oxigraph_server(location: Path, port: int | None = None) -> Iterator[str]:
    """Run ``oxigraph serve`` on loopback; yield its base URL; stop it afterwards."""
    port = port or free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
