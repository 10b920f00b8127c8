"""Fixtures for the browser UIs: the app serving both pages, live on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.live import LiveServer, graph_store, stand_in_app, start_server, stop_server


@pytest.fixture(scope="session")
def ui_server() -> Iterator[LiveServer]:
    """The app serving both UIs, live on a free loopback port."""
    live = start_server(stand_in_app(graph_store()))
    yield live
    stop_server(live)
