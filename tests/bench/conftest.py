"""Fixtures for the benchmark harness tests: a stand-in HTTP server on a loopback port."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Route = Callable[[str, bytes], tuple[int, bytes]]
"""(path with query, body) -> (status, body)."""


class StandIn:
    """A threaded HTTP/1.1 keep-alive server whose answers the test chooses per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.bodies: list[bytes] = []
        handler = self._handler()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                """Stay quiet."""

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer.bodies.append(body)
                route = outer.routes.get(self.path.split("?")[0])
                status, payload = route(self.path, body) if route else (404, b"not found")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _answer
            do_POST = _answer

        return Handler

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """A stand-in server; set ``stand_in.routes[path]`` to answer requests."""
    server = StandIn()
    yield server
    server.close()
