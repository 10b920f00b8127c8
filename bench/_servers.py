"""Start and stop the servers a benchmark measures, each on a free loopback port.

Every process started here is ended here, by its own process group id, when the ``with``
block exits (normally or not).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RunningServer", "free_port", "run_server", "wait_until_answers"]


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now.

    Raises:
        OSError: when no socket can be bound.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class RunningServer:
    """A server process this module started."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


def wait_until_answers(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll ``url`` until it answers with any HTTP status below 500.

    Raises:
        RuntimeError: the process exited, or no answer within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {timeout_s:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def run_server(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    probe_path: str,
    log_dir: Path,
    env: dict[str, str] | None = None,
    startup_timeout_s: float = 120.0,
) -> Iterator[RunningServer]:
    """Start ``command`` (already bound to ``port``), wait until it answers, stop it at exit.

    Args:
        name: for the log file name and messages.
        command: the argv to run; it must listen on 127.0.0.1:``port``.
        port: the port the command listens on.
        probe_path: a path answered once the server is ready (e.g. ``/health``).
        log_dir: where the server's stdout and stderr go.
        env: extra environment variables.
        startup_timeout_s: how long to wait for the first answer.

    Raises:
        RuntimeError: the server did not start (its log's tail is in the message).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(command),
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answers(base_url + probe_path, process, startup_timeout_s)
        except RuntimeError as error:
            tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise RuntimeError(f"{name}: {error}\n{tail}") from error
        yield RunningServer(name, base_url, process, log)
    finally:
        _stop(process)
