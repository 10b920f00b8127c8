"""``kill -9`` of a real ``oos-kg serve`` during 200 concurrent case submissions: after a
restart every case acknowledged with 201 is there, whole, and no case is half-written."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from live_service import Service, start_service, stop_service

from oos_kg.registry import TokenStore

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CASE = (ROOT / "examples/cases/eu/conforms.ttl").read_bytes()
TRIPLES = len(list(ox.parse(CASE, format=ox.RdfFormat.TURTLE)))
SUBMISSIONS = 200
KILL_AFTER = 60


def _start(tmp: Path, tokens: Path, load: bool) -> Service:
    return start_service(
        ROOT,
        tmp / "store" if load else None,
        log=tmp / f"serve-{load}.log",
        OOS_KG_TOKENS_PATH=str(tokens),
        **({} if load else {"OOS_KG_STORE": "embedded", "OOS_KG_STORE_PATH": str(tmp / "store")}),
    )


def test_every_acknowledged_case_survives_kill_9_whole(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    sender, _ = tokens.add("institution", org="https://example.org/hospital-a")
    admin, _ = tokens.add("admin")
    service = _start(tmp_path, tokens.path, load=True)
    acknowledged: list[str] = []
    answers: list[int | str] = []
    lock = threading.Lock()
    killed = threading.Event()

    def submit(_: int) -> None:
        try:
            response = httpx.post(
                f"{service.url}/cases",
                params={"framework": "eu"},
                content=CASE,
                headers={"Authorization": f"Bearer {sender}", "Content-Type": "text/turtle"},
                timeout=30,
            )
        except httpx.TransportError as exc:
            answers.append(type(exc).__name__)
            return  # the server died before answering: not acknowledged
        answers.append(response.status_code)
        if response.status_code == 201:
            with lock:
                acknowledged.append(response.json()["id"])
                if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                    killed.set()
                    os.kill(service.process.pid, signal.SIGKILL)

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(submit, range(SUBMISSIONS)))
    assert killed.is_set(), (sorted(map(str, answers)), service.log_tail())
    service.process.wait(timeout=10)
    stop_service(service)

    again = _start(tmp_path, tokens.path, load=False)
    try:
        headers = {"Authorization": f"Bearer {admin}"}
        stored = again.get("/cases", params={"limit": 1000}, headers=headers).json()["cases"]
        ids = {row["id"] for row in stored}
        assert set(acknowledged) <= ids
        for case_id in ids:  # acknowledged or not, every stored case is whole
            summary = again.get(f"/cases/{case_id}", headers=headers).json()
            assert (summary["version"], summary["versions"], summary["conforms"]) == (1, 1, True)
            graph = again.get(
                f"/cases/{case_id}", headers={**headers, "Accept": "application/n-triples"}
            )
            assert len(list(ox.parse(graph.content, format=ox.RdfFormat.N_TRIPLES))) == TRIPLES
            history = again.get(f"/cases/{case_id}/history", headers=headers).json()
            assert len(history["versions"]) == 1
        quads = again.get(
            "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
            headers={**headers, "Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"][0]["n"]["value"]
        per_case = int(quads) / len(ids)
        assert per_case == int(per_case)  # every case graph holds the same number of triples
    finally:
        stop_service(again)
