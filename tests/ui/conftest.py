"""Fixtures for the browser UIs: the real app over an in-memory store, live on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_support import make_source_tree

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store import open_store
from tests.ui.live import LiveServer, start_server, stop_server


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``create_app`` over an in-memory store holding the graph, served by uvicorn.

    The repository's own graph files when they are all there, else the ontology and sources
    with the small fixture data of ``tests/fixtures``.
    """
    sources = graph_sources()
    if not all(path.is_file() for source in sources for path in source.files):
        sources = graph_sources(make_source_tree(tmp_path_factory.mktemp("ui-sources")))
    settings = Settings(store="memory")
    store = open_store(settings)
    load_store(store, sources)
    live = start_server(create_app(settings, store=store))
    yield live
    stop_server(live)
    store.close()
