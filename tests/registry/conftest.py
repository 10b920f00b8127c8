"""Registry fixtures: the KG in memory, an app whose registry runs on a clock the test sets,
a token of every role; and the KG on each remote engine (``oxigraph serve``, Virtuoso)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from registry_support import HOSPITAL, MAH, ROOT, Clock, Tokens
from store_support import Client, RemoteServer, hold, oxigraph_remote, oxigraph_server, release

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.namespaces import GRAPH
from oos_kg.registry import (
    LocalBackend,
    Registry,
    TokenStore,
    validation_check,
)
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store import KgStore, open_store
from oos_kg.store.memory import MemoryStore
from oos_kg.validation import CaseValidator, facts_from_store


@pytest.fixture(scope="session")
def kg_store() -> MemoryStore:
    """The KG's files in a memory store, each in its named graph (no inference)."""
    store = MemoryStore()
    graphs: dict[str, bytes] = {}
    for source in graph_sources(ROOT):
        quads = [
            q
            for path in source.files
            if path.is_file()
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ]
        graphs[str(GRAPH[source.name])] = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES) or b""
    store.replace_graphs(graphs)
    return store


@pytest.fixture(scope="session")
def validators(kg_store: MemoryStore) -> CaseValidator:
    """The validators over the KG's facts."""
    facts = facts_from_store(kg_store)
    return CaseValidator(facts)


@pytest.fixture()
def clock() -> Clock:
    """The registry's clock, at :data:`T0` until the test moves it."""
    return Clock()


@pytest.fixture()
def registry(kg_store: MemoryStore, validators: CaseValidator, clock: Clock) -> Registry:
    """A registry in memory on the test's clock."""
    return Registry(LocalBackend(None), kg_store, validation_check(validators), clock=clock)


@pytest.fixture()
def tokens(tmp_path: Path) -> Tokens:
    """One token per role: the MAH of Breyanzi, hospital A, the EU authority, and others."""
    store = TokenStore(tmp_path / "tokens.json")
    made = {
        "admin": store.add("admin")[0],
        "mah": store.add("mah", org=MAH)[0],
        "other_mah": store.add("mah", org="org-sanbio")[0],
        "institution": store.add("institution", org=HOSPITAL)[0],
        "other_institution": store.add("institution", org="https://example.org/hospital-b")[0],
        "authority": store.add("authority", jurisdiction="eu")[0],
        "other_authority": store.add("authority", jurisdiction="us")[0],
        "researcher": store.add("researcher")[0],
    }
    return Tokens(store=store, **made)


@pytest.fixture()
def app(kg_store: MemoryStore, registry: Registry, tokens: Tokens, tmp_path: Path) -> FastAPI:
    """The app over the memory KG, with the test's registry and tokens."""
    settings = Settings(store="memory", tokens_path=tokens.store.path, store_path=tmp_path / "s")
    application = create_app(settings, store=kg_store)
    application.state.registry = registry
    return application


@pytest.fixture()
def client(app: FastAPI) -> Iterator[Client]:
    """An HTTP client of the app."""
    yield Client(app)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, KgStore]]:
    """Settings and a store of the KG's files on a remote engine, with no case yet: an
    ``oxigraph serve`` of the module's own, or the session's Virtuoso cleared and loaded
    (cleared again by the next module that uses it)."""
    tmp = tmp_path_factory.mktemp("remote")
    with contextlib.ExitStack() as stack:
        if request.param == "virtuoso":
            server: RemoteServer = request.getfixturevalue("virtuoso")
            stack.callback(release, server)
            release(server)  # a case graph of an earlier module would show
            hold(server, graph_sources(ROOT))
        else:
            server = oxigraph_remote(stack.enter_context(oxigraph_server(tmp / "oxigraph")))
        settings = Settings(**server.settings(), tokens_path=tmp / "tokens.json")
        store = stack.enter_context(contextlib.closing(open_store(settings)))
        if request.param != "virtuoso":
            load_store(store, graph_sources(ROOT))
        yield settings, store
