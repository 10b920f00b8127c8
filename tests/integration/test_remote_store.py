"""The remote backend against a real ``oxigraph serve`` (and Virtuoso for ``oos-kg load
--remote``): upload, and outages without restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from store_support import (
    Client,
    RemoteServer,
    clear_server,
    free_port,
    hold,
    make_source_tree,
    oxigraph_remote,
    oxigraph_server,
    release,
)
from typer.testing import CliRunner

from oos_kg.app import create_app
from oos_kg.cli import app as cli
from oos_kg.errors import StoreError
from oos_kg.loading import load_store
from oos_kg.namespaces import GRAPH
from oos_kg.resources import GraphSource, graph_sources
from oos_kg.settings import Settings
from oos_kg.store.memory import MemoryStore
from oos_kg.store.remote import RemoteStore

pytestmark = pytest.mark.integration

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def remote_env(base: str) -> dict[str, str]:
    return {
        "OOS_KG_STORE": "remote",
        "OOS_KG_REMOTE_QUERY_URL": f"{base}/query",
        "OOS_KG_REMOTE_UPDATE_URL": f"{base}/update",
    }


@pytest.fixture(params=["oxigraph", "virtuoso"])
def empty_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RemoteServer]:
    """An ``oxigraph serve`` of the test's own, or the session's Virtuoso cleared."""
    if request.param == "virtuoso":
        server: RemoteServer = request.getfixturevalue("virtuoso")
        clear_server(server)
        yield server
        return
    with oxigraph_server(tmp_path / "oxigraph") as base:
        yield oxigraph_remote(base)
        release(oxigraph_remote(base))  # its port may serve another server later


def test_load_remote_uploads_every_named_graph(empty_server: RemoteServer, tmp_path: Path) -> None:
    tree = make_source_tree(tmp_path / "sources")
    env = {**empty_server.env(), "OOS_KG_RESOURCE_ROOT": str(tree)}

    def load() -> None:
        result = CliRunner().invoke(cli, ["load", "--remote"], env=env)
        assert result.exit_code == 0, result.output

    hold(empty_server, graph_sources(tree), load=load)  # it holds nothing: this loads
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

    def sizes() -> dict[str, int]:
        response = httpx.post(
            empty_server.query_url,
            data={"query": query},
            headers={"accept": "application/sparql-results+json"},
        )
        rows = response.json()["results"]["bindings"]
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    loaded = sizes()
    assert loaded[str(GRAPH.regulations)] == 2
    assert loaded[str(GRAPH.products)] == memory_sizes(graph_sources(tree))[str(GRAPH.products)]
    load()  # replaces, never adds
    assert sizes() == loaded


def test_load_through_the_graph_store_protocol_when_there_is_no_update_url(
    tmp_path: Path,
) -> None:
    sources = graph_sources(make_source_tree(tmp_path / "sources"))
    with oxigraph_server(tmp_path / "oxigraph") as base:
        store = RemoteStore(f"{base}/query", store_url=f"{base}/store")
        try:
            load_store(store, sources)
            load_store(store, sources)  # PUT replaces each graph
            sizes = store.graph_sizes()
            with pytest.raises(StoreError, match="no update endpoint"):
                store.update(f"INSERT DATA {{ GRAPH <{GRAPH.products}> {{ <urn:a> <urn:b> 1 }} }}")
        finally:
            store.close()
    assert sizes[str(GRAPH.regulations)] == 2
    assert sizes[str(GRAPH.products)] == memory_sizes(sources)[str(GRAPH.products)]


def memory_sizes(sources: tuple[GraphSource, ...]) -> dict[str, int]:
    memory = MemoryStore()
    load_store(memory, sources)
    return memory.graph_sizes()


def test_outage_gives_503_fast_and_recovery_needs_no_restart(tmp_path: Path) -> None:
    tree = make_source_tree(tmp_path / "sources")
    port, location = free_port(), tmp_path / "oxigraph"
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        store="remote", remote_query_url=f"{base}/query", remote_update_url=f"{base}/update"
    )
    client = Client(create_app(settings))
    try:
        check_outage_and_recovery(client, tree, location, port)
    finally:
        client.app.state.store.close()


def check_outage_and_recovery(client: Client, tree: Path, location: Path, port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    with oxigraph_server(location, port):
        assert client.get("/ready").status_code == 503  # up but empty
        assert "oos-kg load --remote" in client.get("/ready").json()["error"]["message"]
        result = CliRunner().invoke(
            cli, ["load", "--remote"], env={**remote_env(base), "OOS_KG_RESOURCE_ROOT": str(tree)}
        )
        assert result.exit_code == 0, result.output
        assert client.get("/ready").status_code == 200
        before = client.get("/sparql", params={"query": COUNT}).json()

    started = time.monotonic()
    ready = client.get("/ready")
    query = client.get("/sparql", params={"query": COUNT})
    assert time.monotonic() - started < 5
    assert ready.status_code == query.status_code == 503
    assert ready.json()["error"]["code"] == "store_unavailable"
    assert "unreachable" in query.json()["error"]["message"]
    assert str(port) not in query.text  # the store's address stays in the server log
    assert client.get("/health").status_code == 200

    with oxigraph_server(location, port):  # the same server comes back
        assert client.get("/ready").status_code == 200
        assert client.get("/sparql", params={"query": COUNT}).json() == before
