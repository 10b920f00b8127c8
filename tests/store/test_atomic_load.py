"""``kill -9`` of a real ``oos-kg load`` at random moments leaves the old graphs or the new ones."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, Store

from oos_kg.loading import load_store
from oos_kg.resources import GraphSource
from oos_kg.store._execute import GRAPH_SIZES_QUERY
from oos_kg.store._results import parse_graph_sizes
from oos_kg.store._versions import StoreLayout
from oos_kg.store.embedded import EmbeddedStore

OOS_KG = str(Path(sys.executable).parent / "oos-kg")
PRODUCTS = 3_000


def sizes_on_disk(path: Path) -> dict[str, int]:
    """Open the store as a fresh process would and count each graph."""
    store = Store.read_only(str(StoreLayout(path).current_db()))
    body = store.query(GRAPH_SIZES_QUERY).serialize(format=QueryResultsFormat.JSON)  # type: ignore[union-attr]
    return parse_graph_sizes(body or b"")


def big_tree(sources: tuple[GraphSource, ...], target: Path) -> Path:
    """The fixture tree with a products file large enough that a load takes a while."""
    shutil.copytree(sources[0].files[0].parent.parent, target)
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


def start_load(store: Path, tree: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OOS_KG_RESOURCE_ROOT": str(tree)}
    return subprocess.Popen(
        [OOS_KG, "load", "--store", str(store)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_build(path: Path, process: subprocess.Popen[bytes]) -> None:
    """Return once the load has started writing its new version (its folder appears)."""
    versions = StoreLayout(path).versions
    before = set(os.listdir(versions)) if versions.exists() else set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if versions.exists() and set(os.listdir(versions)) - before:
            return
        time.sleep(0.001)


@pytest.mark.slow
def test_kill_9_during_load_leaves_old_or_new_graphs(
    sources: tuple[GraphSource, ...], tmp_path: Path
) -> None:
    path = tmp_path / "store"
    old_store = EmbeddedStore(path)
    load_store(old_store, sources)
    old = sizes_on_disk(path)
    tree = big_tree(sources, tmp_path / "big")

    probe = start_load(tmp_path / "probe", tree)  # how long the write phase lasts
    wait_for_build(tmp_path / "probe", probe)
    started = time.monotonic()
    assert probe.wait(timeout=120) == 0
    window = time.monotonic() - started
    new = sizes_on_disk(tmp_path / "probe")
    assert new != old

    rng = random.Random(20261126)
    runs = 5
    outcomes = []
    for run in range(runs):
        process = start_load(path, tree)
        wait_for_build(path, process)  # parsing and reasoning are over: the store is written
        time.sleep(1.2 * window * (run + rng.random()) / runs)  # the last may finish
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = sizes_on_disk(path)
        assert found in (old, new), f"run {run}: a mix of old and new graphs: {found}"
        outcomes.append("new" if found == new else "old")
        if found == new:  # start again from the old graphs
            load_store(old_store, sources)
    assert "old" in outcomes  # some kills landed in the middle of writing

    assert start_load(path, tree).wait(timeout=120) == 0
    assert sizes_on_disk(path) == new
    assert len(list(StoreLayout(path).versions.iterdir())) <= 2  # crashed builds cleaned up
