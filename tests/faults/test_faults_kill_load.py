"""``kill -9`` of a real ``oos-kg load`` while the service runs on the same embedded store:
every answer the service gives, during and after, counts the complete old graphs or the
complete new ones, and the service never needs a restart.

``tests/store/test_atomic_load.py`` checks the store on disk after each kill; this adds the
reader's side: a running service polling the graph sizes throughout the write.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from live_service import OOS_KG, Service, load, service_env, start_service, stop_service
from store_support import make_source_tree

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
PRODUCTS = 3_000
RUNS = 3


def sizes(service: Service) -> dict[str, int]:
    return {row["g"]["value"]: int(row["n"]["value"]) for row in service.select(SIZES)}


def bigger_tree(source: Path, target: Path) -> Path:
    """``source`` with a generated products file, so that a load takes a while."""
    shutil.copytree(source, target)
    lines = [
        "@prefix oos: <https://w3id.org/oos-kg/ontology#> .",
        "@prefix oosd: <https://w3id.org/oos-kg/id/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    lines += [
        f'oosd:product-gen-{n} a oos:RegenerativeMedicineProduct ; rdfs:label "Gen {n}"@en .'
        for n in range(PRODUCTS)
    ]
    (target / "data" / "products.ttl").write_text("\n".join(lines) + "\n", "utf-8")
    return target


def versions(store: Path) -> set[str]:
    """The version folders of an embedded store (a load builds a new one, then swaps)."""
    folder = store / "versions"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def wait_for_new_version(store: Path, *, before: set[str], limit: float) -> None:
    """Return as soon as a load has started writing a version that was not there ``before``."""
    deadline = time.monotonic() + limit
    while not versions(store) - before:
        assert time.monotonic() < deadline, "the load never started writing a version"
        time.sleep(0.005)


class Poller:
    """Ask the service for the graph sizes again and again in a thread, keeping each answer."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.answers: list[dict[str, int] | str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            response = self.service.post("/sparql", data={"query": SIZES})
            if response.status_code != 200:
                self.answers.append(f"{response.status_code}: {response.text[:200]}")
            else:
                rows = response.json()["results"]["bindings"]
                self.answers.append({r["g"]["value"]: int(r["n"]["value"]) for r in rows})
            time.sleep(0.02)

    def stop(self) -> list[dict[str, int] | str]:
        self._stop.set()
        self._thread.join(timeout=30)
        return self.answers


def test_kill_9_of_load_under_a_running_service_shows_old_or_new_graphs(tmp_path: Path) -> None:
    old_tree = make_source_tree(tmp_path / "old")
    new_tree = bigger_tree(old_tree, tmp_path / "new")
    store = tmp_path / "store"
    service = start_service(old_tree, store, log=tmp_path / "serve.log")
    try:
        old = sizes(service)
        started = time.monotonic()
        load(service_env(new_tree), "--store", str(store))
        duration = time.monotonic() - started
        new = sizes(service)
        assert new != old
        trees = {"old": old_tree, "new": new_tree}
        expected = {"old": old, "new": new}

        rng = random.Random(9_2026_11_26)
        current, kept = "new", 0
        for run in range(RUNS):  # each run loads the other tree and is killed on the way
            target = "old" if current == "new" else "new"
            poller = Poller(service)
            process = subprocess.Popen(
                [OOS_KG, "load", "--store", str(store)],
                env=service_env(trees[target]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if run == 0:  # killed while it writes: a kill that surely lands before the swap
                wait_for_new_version(store, before=versions(store), limit=duration * 3 + 10)
            else:  # killed at a random point: these may land after the swap
                time.sleep(duration * (0.3 + 0.8 * rng.random()))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            time.sleep(0.2)
            answers = poller.stop()
            assert answers, "the service gave no answer while the load ran"
            for answer in answers:
                assert answer in (old, new), f"run {run}: {answer}"
            final = sizes(service)
            assert final in (old, new), f"run {run}: a mix after the kill: {final}"
            if final == expected[current]:
                kept += 1
            else:
                current = target
        assert kept, "no kill landed before the swap; the runs tested nothing"
        service.assert_alive()
    finally:
        stop_service(service)
