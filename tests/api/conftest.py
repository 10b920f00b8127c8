"""API fixtures: the app over each store backend, loaded from the fixture source tree.

The same tests run on the embedded store (worker processes on disk) and on two remote stores
(a real ``oxigraph serve`` and a real Virtuoso on free loopback ports, marked
``integration``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from store_support import (
    ADMIN_TOKEN,
    Client,
    RemoteServer,
    hold,
    make_source_tree,
    oxigraph_remote,
    oxigraph_server,
)

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.resources import GraphSource, graph_sources
from oos_kg.settings import Settings
from oos_kg.store import KgStore, open_store


@pytest.fixture(scope="session")
def fixture_sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[GraphSource, ...]:
    """The repository's ontology and sources plus small fixture data files."""
    return graph_sources(make_source_tree(tmp_path_factory.mktemp("sources")))


@pytest.fixture(scope="session")
def remote_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an ``oxigraph serve`` process for the whole session."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


def backend_settings(
    kind: str, request: pytest.FixtureRequest, tmp: Path, **extra: Any
) -> Settings:
    """Settings for a backend: an embedded store in ``tmp``, or the session's oxigraph
    (``remote``) or Virtuoso (``virtuoso``)."""
    common: dict[str, Any] = {"admin_token": ADMIN_TOKEN, "query_timeout_s": 5.0, **extra}
    if kind == "remote":
        server: RemoteServer = oxigraph_remote(request.getfixturevalue("remote_base"))
        return Settings(**server.settings(), **common)
    if kind == "virtuoso":
        server = request.getfixturevalue("virtuoso")
        return Settings(**server.settings(), **common)
    return Settings(store="embedded", store_path=tmp / "store", **common)


BACKENDS = [
    "embedded",
    pytest.param("remote", marks=pytest.mark.integration),
    pytest.param("virtuoso", marks=pytest.mark.integration),
]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fixture_sources: tuple[GraphSource, ...],
) -> Iterator[tuple[Settings, KgStore]]:
    """Settings and a loaded store of each backend, shared by the tests of the session."""
    settings = backend_settings(request.param, request, tmp_path_factory.mktemp("store"))
    store = open_store(settings)
    if request.param == "virtuoso":
        hold(request.getfixturevalue("virtuoso"), fixture_sources)
    else:
        load_store(store, fixture_sources)
    yield settings, store
    store.close()


@pytest.fixture(autouse=True)
def _virtuoso_holds_the_fixture_graphs(
    request: pytest.FixtureRequest, fixture_sources: tuple[GraphSource, ...]
) -> None:
    """Virtuoso serves the whole session: load the fixture graphs again if a test elsewhere
    (the registry's) changed them since this backend loaded them."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("backend") == "virtuoso":
        hold(request.getfixturevalue("virtuoso"), fixture_sources)


@pytest.fixture()
def store(backend: tuple[Settings, KgStore]) -> KgStore:
    """The backend's store."""
    return backend[1]


@pytest.fixture()
def client(backend: tuple[Settings, KgStore]) -> Client:
    """An HTTP client of the app over the backend's store."""
    settings, store = backend
    return Client(create_app(settings, store=store))


@pytest.fixture()
def reset(
    backend: tuple[Settings, KgStore], fixture_sources: tuple[GraphSource, ...]
) -> Iterator[None]:
    """Reload the fixture graphs before and after a test that writes."""
    load_store(backend[1], fixture_sources)
    yield
    load_store(backend[1], fixture_sources)
