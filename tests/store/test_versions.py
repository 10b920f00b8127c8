"""Published versions: workers and the in-process reader follow a load made elsewhere,
and old versions are removed."""

from __future__ import annotations

import asyncio
import json

import pytest

from oos_kg.errors import QueryError
from oos_kg.namespaces import GRAPH
from oos_kg.store.embedded import EmbeddedStore
from oos_kg.store.memory import MemoryStore

TRIPLE = b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"
JSON = ("application/sparql-results+json",)
COUNT_REGULATIONS = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH.regulations}> {{ ?s ?p ?o }} }}"
)


def _worker_count(store: EmbeddedStore) -> int:
    _, body = store.query_serialized(COUNT_REGULATIONS, JSON)
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_running_workers_see_a_load_made_by_another_process(embedded: EmbeddedStore) -> None:
    before = embedded.graph_sizes()
    assert _worker_count(embedded) == before[str(GRAPH.regulations)] > 1
    pids = embedded.pool.worker_pids()
    other = EmbeddedStore(embedded.layout.root)  # as `oos-kg load` would open it
    other.replace_graphs({str(GRAPH.regulations): TRIPLE})
    other.close()
    assert _worker_count(embedded) == 1
    after = embedded.graph_sizes()
    assert after[str(GRAPH.regulations)] == 1
    assert after[str(GRAPH.products)] == before[str(GRAPH.products)]  # other graphs kept
    assert embedded.pool.worker_pids() == pids  # no restart needed


def test_trusted_queries_read_the_newly_published_version_without_a_worker(
    embedded: EmbeddedStore,
) -> None:
    assert embedded.select(COUNT_REGULATIONS)[0]["n"].value != "1"
    other = EmbeddedStore(embedded.layout.root)  # a load by another process
    other.replace_graphs({str(GRAPH.regulations): TRIPLE})
    other.close()
    assert embedded.select(COUNT_REGULATIONS)[0]["n"].value == "1"
    assert embedded.pool.worker_pids() == []  # answered in this process
    embedded.update(f"INSERT DATA {{ GRAPH <{GRAPH.regulations}> {{ <urn:x:s> <urn:x:p> 7 }} }}")
    assert embedded.ask(f"ASK {{ GRAPH <{GRAPH.regulations}> {{ <urn:x:s> <urn:x:p> 7 }} }}")
    assert embedded.select(COUNT_REGULATIONS)[0]["n"].value == "2"
    assert embedded.graph_sizes()[str(GRAPH.regulations)] == 2


def test_async_trusted_queries_answer_from_the_event_loop(embedded: EmbeddedStore) -> None:
    async def both() -> tuple[int, bool]:
        rows = await embedded.aselect(COUNT_REGULATIONS)
        return int(rows[0]["n"].value), await embedded.aask("ASK { ?s ?p ?o }")

    count, found = asyncio.run(both())
    assert count == embedded.graph_sizes()[str(GRAPH.regulations)]
    assert found is True
    assert embedded.pool.worker_pids() == []  # no worker was needed


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


def test_the_data_version_changes_with_every_load_and_update_and_only_then(
    embedded: EmbeddedStore,
) -> None:
    """What is derived from the data (the GraphQL name indexes) is kept under this name."""
    first = embedded.data_version()
    assert first is not None and first == embedded.data_version()
    embedded.select(COUNT_REGULATIONS)  # reading changes nothing
    assert embedded.data_version() == first
    embedded.update(f"INSERT DATA {{ GRAPH <{GRAPH.regulations}> {{ <urn:x:s> <urn:x:p> 8 }} }}")
    second = embedded.data_version()
    assert second not in (None, first)
    with pytest.raises(QueryError):
        embedded.update(f"CREATE GRAPH <{GRAPH.regulations}>")  # fails: the graph exists
    assert embedded.data_version() == second  # nothing was published
    other = EmbeddedStore(embedded.layout.root)  # a load by another process
    other.replace_graphs({str(GRAPH.regulations): TRIPLE})
    other.close()
    assert embedded.data_version() not in (None, first, second)


def test_the_memory_stores_data_version_changes_with_every_change() -> None:
    store = MemoryStore()
    names = [store.data_version()]
    store.replace_graphs({str(GRAPH.regulations): TRIPLE})
    names.append(store.data_version())
    store.update(f"INSERT DATA {{ GRAPH <{GRAPH.regulations}> {{ <urn:x:s> <urn:x:p> 9 }} }}")
    names.append(store.data_version())
    assert store.data_version() == names[-1]
    assert len(set(names)) == 3
