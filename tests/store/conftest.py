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
    """A fresh embedded store, loaded, with two workers and a 1.5 s time limit."""
    store = EmbeddedStore(tmp_path / "store", timeout_s=1.5, workers=2)
    load_store(store, sources)
    yield store
    store.close()
