"""Shared fixtures: paths into the repository and the knowledge graph loaded from its files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from oos_kg.namespaces import GRAPH
from oos_kg.resources import graph_sources

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


def load_files_into(store: Store) -> None:
    """Load every source file into its named graph of ``store`` (no inference)."""
    for source in graph_sources(ROOT):
        graph = NamedNode(str(GRAPH[source.name]))
        for path in source.files:
            if not path.is_file():  # a data file not landed yet; its own tests assert it exists
                continue
            store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=graph)


@pytest.fixture(scope="session")
def kg() -> Iterator[Store]:
    """A read-only in-memory store of the files, each in its named graph.

    Query it with ``kg.query(q, use_default_graph_as_union=True)``.
    """
    store = Store()
    load_files_into(store)
    yield store
