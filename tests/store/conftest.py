"""Store fixtures: the fixture source tree and stores loaded from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_support import make_source_tree

from oos_kg.loading import load_store
from oos_kg.resources import GraphSource, graph_sources
from oos_kg.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[GraphSource, ...]:
    """The repository's ontology and sources plus small fixture data files."""
    return graph_sources(make_source_tree(tmp_path_factory.mktemp("sources")))


@pytest.fixture()
def embedded(tmp_path: Path, sources: tuple[GraphSource, ...]) -> Iterator[EmbeddedStore]:
    """A fresh embedded store, loaded, with two workers and a 10 s time limit.

    The limit is the store's default for every call that names none: loads and updates copy
    the store, which takes over a second on a busy machine. Tests of the limit itself name a
    short one per call, or open a store of their own (``short_limit``).
    """
    store = EmbeddedStore(tmp_path / "store", timeout_s=10.0, workers=2)
    load_store(store, sources)
    yield store
    store.close()


@pytest.fixture()
def short_limit(tmp_path: Path, sources: tuple[GraphSource, ...]) -> Iterator[EmbeddedStore]:
    """A fresh embedded store, loaded, with two workers and a 1.5 s default time limit."""
    store = EmbeddedStore(tmp_path / "short", timeout_s=1.5, workers=2)
    load_store(store, sources)
    yield store
    store.close()
