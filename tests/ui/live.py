"""A uvicorn server on a free loopback port, in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI


@dataclass(frozen=True, slots=True)
class LiveServer:
    """A uvicorn server running in a thread of the test process."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket


def start_server(app: FastAPI) -> LiveServer:
    """Start ``app`` under uvicorn on a free loopback port and wait until it answers.

    The socket is bound here, before uvicorn starts, so no other process can take the port.

    Raises:
        RuntimeError: when the server has not started within 20 seconds.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="uvicorn-ui-test", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread, sock)


def stop_server(live: LiveServer) -> None:
    """Ask the server to exit and wait for its thread."""
    live.server.should_exit = True
    live.thread.join(timeout=10)
    live.sock.close()
