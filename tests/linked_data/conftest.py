"""The app over an in-memory store holding the paper's graph (the repository's files)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_support import Client

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.settings import Settings
from oos_kg.store import KgStore, open_store


@pytest.fixture(scope="session")
def paper_store() -> Iterator[KgStore]:
    """The repository's graph, inferred graph included, in a memory store (read only)."""
    store = open_store(Settings(store="memory"))
    load_store(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def client(paper_store: KgStore) -> Client:
    """An HTTP client of the app over :func:`paper_store`."""
    return Client(create_app(Settings(store="memory"), store=paper_store))
