"""Fixtures for the browser UIs: the real app over an in-memory store, live on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_support import FIXTURES

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.resources import GraphSource, graph_sources
from oos_kg.settings import Settings
from oos_kg.store import open_store
from tests.ui.browser import driver  # noqa: F401 (the fixture, for every module here)
from tests.ui.live import LiveServer, start_server, stop_server


@pytest.fixture(scope="session")
def ui_server() -> Iterator[LiveServer]:
    """``create_app`` over an in-memory store holding the graph, served by uvicorn.

    The repository's own graph files; a data file that has not landed yet is replaced by its
    small stand-in in ``tests/fixtures``, so the example queries run on real data where it exists.
    """
    sources = tuple(
        GraphSource(
            source.name,
            tuple(p if p.is_file() else FIXTURES / "data" / p.name for p in source.files),
        )
        for source in graph_sources()
    )
    settings = Settings(store="memory")
    store = open_store(settings)
    load_store(store, sources)
    live = start_server(create_app(settings, store=store))
    yield live
    stop_server(live)
    store.close()
