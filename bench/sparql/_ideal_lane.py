"""The best an in-process query path could do: a bare ASGI app that runs each query on a
read-only pyoxigraph handle in its own process and serialises the answer, with no check, no
time limit and no framework.

Not something to serve: it refuses nothing and cannot stop a query. It answers what a lane
that runs (bounded) queries in the server process, instead of in a worker, could reach at
best, against ``oxigraph serve``::

    .venv/bin/python -m bench.sparql --sizes paper,10k --no-readme \\
        --queries bench/sparql/queries/point-lookup.rq \\
        --ours-serve "{python} -m uvicorn bench.sparql._ideal_lane:app --host 127.0.0.1 \\
            --port {port} --loop uvloop --http httptools --no-access-log --log-level warning"

It opens the store the harness prepared (``OOS_KG_STORE_PATH``, as ``oos-kg load`` writes it).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from pyoxigraph import QueryResultsFormat, QuerySolutions, Store

from oos_kg._limits import read_body

__all__ = ["app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_store: list[Store] = []


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a POSTed SELECT in SPARQL JSON; any GET with 200 (the readiness probe)."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                root = Path(os.environ["OOS_KG_STORE_PATH"])
                _store.append(Store.read_only(str(root / "current" / "db")))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = await read_body(receive)
    if body is None:  # the client left
        return
    answer = b""
    if scope["method"] == "POST":
        result = _store[0].query(body.decode(), use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        answer = result.serialize(format=QueryResultsFormat.JSON) or b""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/sparql-results+json"),
                (b"content-length", str(len(answer)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer})
