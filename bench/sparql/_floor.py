"""The floor of any Python service under uvicorn: a bare ASGI app that replays recorded answers.

``python -m bench.sparql --floor`` starts it twice beside ``oxigraph serve``, with the answers
``oxigraph serve`` gave to the benchmark's queries (a JSON file named by the environment
variable ``OOS_KG_FLOOR_ANSWERS``: a list of ``[query, media type, answer]``). It parses no
query, reads no store and serialises nothing: it looks the request body up and sends the
recorded bytes, with uvicorn run as ``oos-kg serve`` runs it (uvloop, httptools, no access
log). Whatever it costs over ``oxigraph serve`` is the least that any Python app served this
way adds to a query, before doing any of the query's work.

With ``OOS_KG_FLOOR_WORKERS=N`` (N > 0) the lookup happens in one of N worker processes
instead, the request body sent over a pipe and the answer read back on the event loop, as a
service must do to stop a query at its time limit (pyoxigraph has no query timeout, and a
thread cannot be stopped; see the SPARQL issue). That is the floor of any such design.

Run by hand::

    OOS_KG_FLOOR_ANSWERS=answers.json python -m uvicorn bench.sparql._floor:app \\
        --loop uvloop --http httptools --no-access-log --port 8001
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
import subprocess
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from oos_kg._limits import read_body

__all__ = ["ANSWERS_ENV", "WORKERS_ENV", "app", "load_answers", "worker_main"]

ANSWERS_ENV = "OOS_KG_FLOOR_ANSWERS"
WORKERS_ENV = "OOS_KG_FLOOR_WORKERS"
_HEADER = struct.Struct("!I")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_NOT_FOUND = b"no recorded answer for this request body"


def load_answers(path: Path) -> dict[bytes, tuple[bytes, bytes]]:
    """Read the recorded answers: request body -> (media type, answer body).

    Raises:
        OSError, ValueError: an unreadable or malformed file.
    """
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {
        query.encode(): (media.encode("latin-1"), answer.encode())
        for query, media, answer in entries
    }


def _read_exactly(stream: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def worker_main() -> None:
    """A worker: read length-prefixed request bodies on stdin, write ``media\\0answer`` back."""
    answers = load_answers(Path(os.environ[ANSWERS_ENV]))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            (size,) = _HEADER.unpack(_read_exactly(stdin, _HEADER.size))
            body = _read_exactly(stdin, size)
        except EOFError:
            return
        media, answer = answers.get(body, (b"text/plain", _NOT_FOUND))
        reply = media + b"\0" + answer
        stdout.write(_HEADER.pack(len(reply)) + reply)
        stdout.flush()


class _Worker:
    """One worker process; its reply is read by a loop reader, never by a blocking call."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from bench.sparql._floor import worker_main; worker_main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        os.set_blocking(self.stdout.fileno(), False)

    async def ask(self, body: bytes) -> tuple[bytes, bytes]:
        loop = asyncio.get_running_loop()
        reply = loop.create_future()
        buffer = bytearray()

        def readable() -> None:
            buffer.extend(os.read(self.stdout.fileno(), 1 << 20))
            if len(buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(buffer)
                if len(buffer) >= _HEADER.size + size:
                    loop.remove_reader(self.stdout.fileno())
                    reply.set_result(bytes(buffer[_HEADER.size :]))

        loop.add_reader(self.stdout.fileno(), readable)
        self.stdin.write(_HEADER.pack(len(body)) + body)
        media, _, answer = (await reply).partition(b"\0")
        return media, answer


_answers: dict[bytes, tuple[bytes, bytes]] = {}
_idle: asyncio.Queue[_Worker] | None = None


async def _lifespan(receive: Receive, send: Send) -> None:
    global _idle
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _answers.update(load_answers(Path(os.environ[ANSWERS_ENV])))
            workers = int(os.environ.get(WORKERS_ENV, "0"))
            if workers:
                _idle = asyncio.Queue()
                for _ in range(workers):
                    _idle.put_nowait(_Worker())
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            while _idle is not None and not _idle.empty():
                worker = _idle.get_nowait()
                worker.stdin.close()
                worker.process.wait()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _lookup(body: bytes) -> tuple[bytes, bytes] | None:
    if _idle is None:
        return _answers.get(body)
    worker = await _idle.get()
    try:
        media, answer = await worker.ask(body)
    finally:
        _idle.put_nowait(worker)
    return None if answer == _NOT_FOUND else (media, answer)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a POST with the answer recorded for its body (404 when none); any GET with 200
    and an empty body (the readiness probe)."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    body = await read_body(receive)
    if body is None:  # the client left
        return
    if scope["method"] == "GET":
        status, media, answer = 200, b"text/plain", b""
    else:
        found = await _lookup(body)
        status, media, answer = (200, *found) if found else (404, b"text/plain", _NOT_FOUND)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", media), (b"content-length", str(len(answer)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": answer})
