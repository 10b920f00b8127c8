"""A worker never outlives its server, even when the server is killed mid-query."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from oos_kg.store.embedded import EmbeddedStore

SCRIPT = """
import sys, threading
from pathlib import Path
from oos_kg.store.embedded import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]), timeout_s=60, workers=1)
store.query_serialized("ASK {}", ["application/sparql-results+json"])
print(store.pool.worker_pids()[0], flush=True)
store.query_serialized(
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    ["application/sparql-results+json"],
)
"""


def test_killing_the_server_mid_query_kills_its_worker(embedded: EmbeddedStore) -> None:
    root = embedded.layout.root
    server = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    worker = int(server.stdout.readline())
    time.sleep(0.5)  # the worker is now deep in the runaway query
    server.send_signal(signal.SIGKILL)
    server.wait()
    server.stdout.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)  # do not leave it burning a core
    raise AssertionError("the worker outlived its killed server")
