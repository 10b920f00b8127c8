"""Published versions: workers follow a load made elsewhere, and old versions are removed."""

from __future__ import annotations

from oos_kg.namespaces import GRAPH
from oos_kg.store.embedded import EmbeddedStore

TRIPLE = b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"


def test_running_workers_see_a_load_made_by_another_process(embedded: EmbeddedStore) -> None:
    before = embedded.graph_sizes()
    pids = embedded.pool.worker_pids()
    other = EmbeddedStore(embedded.layout.root)  # as `oos-kg load` would open it
    other.replace_graphs({str(GRAPH.regulations): TRIPLE})
    other.close()
    after = embedded.graph_sizes()
    assert after[str(GRAPH.regulations)] == 1
    assert after[str(GRAPH.products)] == before[str(GRAPH.products)]  # other graphs kept
    assert embedded.pool.worker_pids() == pids  # no restart needed


def test_updates_publish_a_new_version_and_keep_only_the_previous_one(
    embedded: EmbeddedStore,
) -> None:
    names = [embedded.layout.current_name()]
    for n in range(3):
        embedded.update(f"INSERT DATA {{ GRAPH <{GRAPH.products}> {{ <urn:x:s> <urn:x:p> {n} }} }}")
        names.append(embedded.layout.current_name())
    assert len(set(names)) == 4
    kept = sorted(p.name for p in embedded.layout.versions.iterdir())
    assert kept == sorted(names[-2:])
    assert embedded.loaded_hash() is not None  # the sources hash survives updates
