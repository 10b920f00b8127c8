"""Shared fixtures: paths into the repository and the knowledge graph loaded from its files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store
from store_support import VIRTUOSO, RemoteServer, skip_or_fail, virtuoso_server

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


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    """One Virtuoso server for the whole session, with a throw-away database; a test makes it
    hold the graphs it needs with :func:`store_support.hold` (which clears what earlier tests
    left) and says so with :func:`store_support.release` when it changes them.

    Skipped with the reason where Debian's ``virtuoso-opensource`` is not installed or does
    not start; under CI (``CI=true``) that fails instead.
    """
    if not Path(VIRTUOSO).is_file():
        skip_or_fail(f"no {VIRTUOSO}: install Debian's virtuoso-opensource (`make virtuoso`)")
    try:
        with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
            yield server
    except RuntimeError as exc:
        skip_or_fail(str(exc))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Send every test that uses Virtuoso to one xdist worker (``make test`` runs
    ``--dist loadgroup``), so that one Virtuoso server serves the whole run. First of the
    hooks: xdist reads the marks into each test's id in its own (registered after this
    conftest, so called before it otherwise)."""
    group = pytest.mark.xdist_group("virtuoso")
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        on_virtuoso = any(isinstance(value, str) and value == "virtuoso" for value in params)
        if on_virtuoso or "virtuoso" in getattr(item, "fixturenames", ()):
            item.add_marker(group)
