"""Trusted queries (the text our code writes): same answers on every in-process backend,
from sync and async callers, and the wrong query form is refused, not misread."""

from __future__ import annotations

import asyncio
import gc
import json
import sys

import pytest
from pyoxigraph import Store

from oos_kg.errors import NotAcceptable, QueryError
from oos_kg.loading import load_store
from oos_kg.resources import GraphSource
from oos_kg.store import embedded as embedded_module
from oos_kg.store.embedded import EmbeddedStore
from oos_kg.store.memory import MemoryStore

LABELLED = (
    "SELECT ?s ?label ?missing WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    "OPTIONAL { ?s <urn:x:never> ?missing } } ORDER BY ?s ?label LIMIT 5"
)


def test_memory_and_embedded_answer_trusted_queries_alike(
    embedded: EmbeddedStore, sources: tuple[GraphSource, ...]
) -> None:
    memory = MemoryStore()
    load_store(memory, sources)
    rows = embedded.select(LABELLED)
    assert len(rows) == 5
    assert all(set(row) == {"s", "label"} for row in rows)  # unbound variables are absent
    assert memory.select(LABELLED) == rows
    assert asyncio.run(memory.aselect(LABELLED)) == rows
    assert asyncio.run(embedded.aselect(LABELLED)) == rows
    assert memory.graph_sizes() == embedded.graph_sizes()
    assert asyncio.run(memory.aask("ASK { ?s ?p ?o }")) is True


@pytest.mark.parametrize(
    ("method", "query", "message"),
    [
        ("select", "ASK { ?s ?p ?o }", "SELECT queries only"),
        ("select", "CONSTRUCT WHERE { ?s ?p ?o }", "SELECT queries only"),
        ("ask", "SELECT * WHERE { ?s ?p ?o }", "ASK queries only"),
        ("select", "SELECT * WHERE { ?s ", "malformed query"),
    ],
)
def test_wrong_or_malformed_trusted_query_is_a_query_error(
    embedded: EmbeddedStore, method: str, query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        getattr(embedded, method)(query)


def test_failed_async_queries_drop_their_results_in_their_own_thread(
    sources: tuple[GraphSource, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyoxigraph results dropped on another thread raise an unraisable RuntimeError."""
    memory = MemoryStore()
    load_store(memory, sources)
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    async def refused() -> list[type[Exception]]:
        raised: list[type[Exception]] = []
        for query, media in (
            ("CONSTRUCT WHERE { ?s ?p ?o }", ("application/sparql-results+json",)),
            ("SELECT * WHERE { ?s ?p ?o }", ("text/turtle",)),
        ):
            try:
                await memory.aquery_serialized(query, media)
            except NotAcceptable as exc:
                raised.append(type(exc))
            gc.collect()
        return raised

    assert asyncio.run(refused()) == [NotAcceptable, NotAcceptable]
    gc.collect()
    assert unraisable == []


BLANK = "SELECT ?b ?o WHERE { GRAPH <urn:x:g> { ?b <urn:x:p> ?o } }"


@pytest.mark.parametrize("copied", [True, False], ids=["in-memory copy", "too big: on disk"])
def test_trusted_reads_see_the_published_version_as_the_workers_do(
    embedded: EmbeddedStore, monkeypatch: pytest.MonkeyPatch, copied: bool
) -> None:
    """Blank nodes keep their labels, so an IRI-less node found by a trusted query is the one
    ``/sparql`` names; an update is seen by the next trusted query, copy or not."""
    if not copied:
        monkeypatch.setattr(embedded_module, "IN_MEMORY_MAX_QUADS", 10)
    embedded.update('INSERT DATA { GRAPH <urn:x:g> { _:n <urn:x:p> "one" } }')
    _, body = embedded.query_serialized(BLANK, ["application/sparql-results+json"])
    by_worker = json.loads(body)["results"]["bindings"]
    trusted = embedded.select(BLANK)
    assert [(row["b"].value, row["o"].value) for row in trusted] == [
        (row["b"]["value"], row["o"]["value"]) for row in by_worker
    ]
    embedded.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> "two" } }')
    assert sorted(row["o"].value for row in embedded.select(BLANK)) == ["one", "two"]


def test_a_version_over_the_cap_is_read_on_disk_and_one_under_it_is_copied_whole(
    embedded: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_disk = Store.read_only(str(embedded.layout.current_db()))
    size = len(on_disk)
    monkeypatch.setattr(embedded_module, "IN_MEMORY_MAX_QUADS", size)
    copy = embedded_module._in_memory(on_disk)
    assert copy is not on_disk
    assert set(map(str, copy)) == set(map(str, on_disk))
    monkeypatch.setattr(embedded_module, "IN_MEMORY_MAX_QUADS", size - 1)
    assert embedded_module._in_memory(on_disk) is on_disk
