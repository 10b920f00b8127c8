"""Where case graphs live: a pyoxigraph store of the registry's own, or the KG's remote server.

The embedded KG store publishes immutable versions (a load or an update copies the store), so
it cannot take a write per submission; the registry keeps its cases in a read-write pyoxigraph
store of its own (on disk beside the KG store, or in memory). Each SPARQL Update there is one
RocksDB transaction, in its write-ahead log before the call returns: it survives ``kill -9``.
A remote SPARQL server holds the KG and the cases together (:class:`RemoteBackend`), and
``/sparql`` keeps case graphs out of anonymous queries' datasets
(:attr:`CaseBackend.shares_kg_store`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pyoxigraph import NamedNode, Quad, Store

from oos_kg.errors import QueryError, StoreError
from oos_kg.settings import Settings
from oos_kg.store import open_store
from oos_kg.store._execute import run_query, select_trusted
from oos_kg.store.base import Bindings, KgStore
from oos_kg.store.remote import RemoteStore

__all__ = ["CaseBackend", "LocalBackend", "RemoteBackend", "open_case_backend"]


class CaseBackend(Protocol):
    """What the registry asks of the place its case graphs live."""

    shares_kg_store: bool
    """Whether the KG's own store holds the case graphs too (a remote server)."""

    def select(self, query: str) -> list[Bindings]:
        """Run a SELECT the registry wrote. Raises: QueryError, StoreError."""
        ...

    def update(self, text: str) -> None:
        """Run an update the registry wrote, all or nothing. Raises: QueryError, StoreError."""
        ...

    def insert(self, quads: Sequence[Quad]) -> None:
        """Add quads the registry built, all or nothing. Raises: StoreError."""
        ...

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        timeout_s: float | None,
    ) -> tuple[str, bytes]:
        """Check and run an untrusted query over the dataset given (never the whole store).

        Raises: QueryError, NotAcceptable, QueryTimeout, StoreUnavailable.
        """
        ...

    def close(self) -> None:
        """Release the store."""
        ...


class LocalBackend:
    """A read-write pyoxigraph store: on disk at ``path``, or in memory when None.

    Untrusted queries run in the calling thread: pyoxigraph cannot stop them, so the time
    limit is not enforced here (the KG store's query workers enforce it for ``/sparql``
    without a token).

    Raises:
        StoreError: the directory cannot be opened (another process holds it).
    """

    shares_kg_store = False

    def __init__(self, path: Path | None) -> None:
        try:
            if path is None:
                self._store = Store()
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = Store(str(path))
        except OSError as exc:
            raise StoreError(f"the case registry at {path} does not open: {exc}") from None
        self._write = threading.Lock()

    @property
    def store(self) -> Store:
        """The pyoxigraph store (benchmarks bulk-load into it)."""
        return self._store

    def select(self, query: str) -> list[Bindings]:
        """Run a trusted SELECT. Raises: QueryError."""
        return select_trusted(self._store, query)

    def update(self, text: str) -> None:
        """Run a trusted update in one transaction. Raises: QueryError, StoreError."""
        with self._write:
            try:
                self._store.update(text)
            except SyntaxError as exc:
                raise QueryError(f"registry update does not parse: {exc}") from None
            except OSError as exc:
                raise StoreError(f"registry update failed: {exc}") from None

    def insert(self, quads: Sequence[Quad]) -> None:
        """Add quads in one transaction, as they are (no SPARQL text to parse).

        No lock: an insert reads nothing, so it cannot race the conditional updates.

        Raises:
            StoreError: the store failed (nothing written).
        """
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"registry write failed: {exc}") from None

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        timeout_s: float | None,  # noqa: ARG002 - see the class docstring
    ) -> tuple[str, bytes]:
        """Check and run an untrusted query over the given graphs. Raises: QueryError."""
        if not default_graph_uris:  # run_query reads "no graphs" as the union of all
            default_graph_uris = named_graph_uris = (f"{_EMPTY}",)
        return run_query(
            self._store,
            query,
            media_types,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
        )

    def close(self) -> None:
        """Flush to disk (the store closes when dropped)."""
        self._store.flush()


_EMPTY = NamedNode("https://w3id.org/oos-kg/graph/none").value
"""A graph name no graph has: the dataset of a caller who may see no case."""


class RemoteBackend:
    """The case graphs on the KG's remote SPARQL server.

    The KG store's own trusted queries read only the KG's graphs on a remote server (by an
    explicit dataset); the registry's queries range over every case graph, so they go to the
    same server without one, through a remote store of their own (its engine's ways, its
    credentials, and the same checks that an answer is whole). Untrusted queries go through
    the KG store, which checks them, with the dataset ``/sparql`` chose.

    Args:
        store: the KG store (for untrusted queries).
        server: the same server, for the registry's own queries and updates (closed by
            :meth:`close`).
    """

    shares_kg_store = True

    def __init__(self, store: KgStore, server: RemoteStore) -> None:
        self._kg = store
        self._server = server

    def select(self, query: str) -> list[Bindings]:
        """Run a SELECT the registry wrote over every graph of the server.

        Raises: StoreError, RemoteTimeout, IncompleteAnswer, StoreUnavailable.
        """
        return self._server.select_all_graphs(query)

    def update(self, text: str) -> None:
        """Send an update the registry wrote (one request: one transaction on the server).

        Raises: StoreError (also when no update endpoint is configured), RemoteTimeout,
            StoreUnavailable.
        """
        self._server.update_unchecked(text)

    def insert(self, quads: Sequence[Quad]) -> None:
        """Send the quads as one ``INSERT DATA`` (one request: one transaction).

        Raises: as :meth:`update`.
        """
        graphs: dict[str, list[str]] = {}
        for quad in quads:
            lines = graphs.setdefault(str(quad.graph_name), [])
            lines.append(f"{quad.subject} {quad.predicate} {quad.object} .")
        body = " ".join(f"GRAPH {g} {{\n" + "\n".join(t) + "\n}" for g, t in graphs.items())
        self.update(f"INSERT DATA {{ {body} }}")

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        timeout_s: float | None,
    ) -> tuple[str, bytes]:
        """Run an untrusted query through the KG store over the dataset given.

        Raises: as :meth:`KgStore.query_serialized`.
        """
        return self._kg.query_serialized(
            query,
            media_types,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
            timeout_s=timeout_s,
        )

    def close(self) -> None:
        """Close the registry's connections to the server (the KG store keeps its own)."""
        self._server.close()


_OPEN: dict[Path, LocalBackend] = {}
_OPEN_LOCK = threading.Lock()


def open_case_backend(settings: Settings, store: KgStore) -> CaseBackend:
    """Return where the cases live for the KG store ``settings`` describe.

    ``remote``: the KG's own server. ``embedded``: a read-write store in
    ``settings.registry_dir``, opened once per process (RocksDB allows one opener; apps over
    the same directory share it). ``memory``: a fresh in-memory store.

    Raises:
        StoreError: the registry directory does not open.
    """
    if settings.store == "remote":
        server = open_store(settings)
        assert isinstance(server, RemoteStore)  # what open_store makes of remote settings
        return RemoteBackend(store, server)
    if settings.store == "memory":
        return LocalBackend(None)
    key = settings.registry_dir.resolve()
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = LocalBackend(key)
        return _OPEN[key]
