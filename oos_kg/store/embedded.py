"""The default store: pyoxigraph on disk, queried by worker processes that end on time.

Untrusted queries (``/sparql``) run in worker processes, killed when over their time limit.
Trusted ones (:meth:`EmbeddedStore.select`, :meth:`EmbeddedStore.ask`: the text our own code
writes for GraphQL, validation and checks) run in this process on the published version, with
no round trip to a worker; they are not bounded by a time limit. A version of at most
:data:`IN_MEMORY_MAX_QUADS` quads (the knowledge graph itself is a few thousand) is read into
memory once, where these small queries run faster than on RocksDB (``bench/README.md``); a
larger one is read on disk.

See :mod:`oos_kg.store._versions` for how loads and updates stay atomic, and
:mod:`oos_kg.store._worker` for how a query over its time limit is really stopped.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from pyoxigraph import NamedNode, QuerySolutions, RdfFormat, Store

from oos_kg.errors import StoreError
from oos_kg.store._execute import GRAPH_SIZES_QUERY, ask_trusted, select_trusted
from oos_kg.store._threads import in_thread
from oos_kg.store._versions import StoreLayout
from oos_kg.store._worker import WorkerPool
from oos_kg.store.base import Bindings

__all__ = ["IN_MEMORY_MAX_QUADS", "EmbeddedStore"]

_PING_TIMEOUT_S = 5.0

IN_MEMORY_MAX_QUADS = 50_000
"""The largest published version the trusted queries read from memory: its copy is made once
per version, by the first query, and lives as long as the version is current."""


class _PublishedReader:
    """The published version, in this process: an in-memory copy of it when it has at most
    :data:`IN_MEMORY_MAX_QUADS` quads, else a read-only handle on disk.

    Reopened when ``current`` points at another version, as the query workers do. Published
    versions are never written again, so a copy or a handle stays consistent; the version
    before the current one is kept on disk for readers still using it.
    """

    def __init__(self, layout: StoreLayout) -> None:
        self._layout = layout
        self._pointer = str(layout.pointer)  # read on every query: no Path objects per call
        self._handle: tuple[str, Store] | None = None
        self._lock = threading.Lock()

    def _current_name(self) -> str | None:
        """:meth:`StoreLayout.current_name`, without building paths (3 us against 15-20 us)."""
        try:
            return os.readlink(self._pointer).rstrip("/").rpartition("/")[2]
        except FileNotFoundError:
            return None

    def store(self) -> Store:
        """Return a handle on the published version.

        Raises:
            StoreUnavailable: nothing is published yet.
            StoreError: the version does not open.
        """
        name = self._current_name()
        handle = self._handle
        if handle is not None and handle[0] == name:
            return handle[1]
        with self._lock:
            name = self._layout.current_name()
            if name is None:
                self._layout.current_db()  # raises StoreUnavailable with the reason
                raise StoreError("the store has no published version")
            handle = self._handle
            if handle is None or handle[0] != name:
                try:
                    handle = (name, _in_memory(Store.read_only(str(self._layout.db_path(name)))))
                except OSError as exc:
                    raise StoreError(f"the published store version does not open: {exc}") from None
                self._handle = handle
            return handle[1]

    def version_name(self) -> str | None:
        """The published version's name (``None`` when nothing is published)."""
        return self._current_name()

    def close(self) -> None:
        """Drop the handle (the next query opens the published version again)."""
        with self._lock:
            self._handle = None


def _in_memory(on_disk: Store) -> Store:
    """A copy of ``on_disk`` in memory (blank nodes keep their labels), or ``on_disk`` itself
    when it has more than :data:`IN_MEMORY_MAX_QUADS` quads (counted no further than that)."""
    quads = "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    count = f"SELECT (COUNT(*) AS ?n) {{ {{ {quads} LIMIT {IN_MEMORY_MAX_QUADS + 1} }} }}"
    solutions = on_disk.query(count, use_default_graph_as_union=False)
    assert isinstance(solutions, QuerySolutions)  # a SELECT
    counted = int(next(iter(solutions))["n"].value)
    del solutions  # here, in the calling thread (pyoxigraph warns otherwise)
    if counted > IN_MEMORY_MAX_QUADS:
        return on_disk
    copy = Store()
    copy.extend(on_disk)
    return copy


class EmbeddedStore:
    """A pyoxigraph store on disk behind the :class:`~oos_kg.store.base.KgStore` API.

    Worker processes start on the first query, not before.

    Args:
        path: the store directory (created on the first load).
        timeout_s: default time limit of queries and updates.
        workers: how many queries may run at once.
        allowed_hosts: hosts SERVICE, LOAD and FROM may name.
    """

    answers_in_process = True

    def __init__(
        self,
        path: Path,
        *,
        timeout_s: float = 10.0,
        workers: int = 2,
        allowed_hosts: Sequence[str] = (),
    ) -> None:
        self.layout = StoreLayout(Path(path))
        self._timeout_s = timeout_s
        self._pool = WorkerPool(self.layout.root, workers, allowed_hosts)
        self._reader = _PublishedReader(self.layout)

    @property
    def pool(self) -> WorkerPool:
        """The query worker pool (tests look at its processes)."""
        return self._pool

    def _limit(self, timeout_s: float | None) -> float:
        return self._timeout_s if timeout_s is None else timeout_s

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:  # noqa: ARG002
        """Run a trusted SELECT in this thread on the published version.

        No worker is involved, so this may be called from the event loop without waiting
        on anything but the query itself; ``timeout_s`` is not enforced (trusted text only).

        Raises:
            QueryError: malformed query or not a SELECT. StoreUnavailable: nothing loaded.
        """
        return select_trusted(self._reader.store(), query)

    def ask(self, query: str, *, timeout_s: float | None = None) -> bool:  # noqa: ARG002
        """Run a trusted ASK in this thread (as :meth:`select`).

        Raises:
            QueryError: malformed query or not an ASK. StoreUnavailable: nothing loaded.
        """
        return ask_trusted(self._reader.store(), query)

    async def aselect(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """:meth:`select` in a thread, so a long query never holds up the event loop.

        Raises:
            As :meth:`select`.
        """
        return await in_thread(functools.partial(self.select, query, timeout_s=timeout_s))

    async def aask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """:meth:`ask` in a thread. Raises: as :meth:`ask`."""
        return await in_thread(functools.partial(self.ask, query, timeout_s=timeout_s))

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """Check and run an untrusted query in a worker.

        Raises:
            QueryError, NotAcceptable, QueryTimeout, StoreUnavailable.
        """
        message = _query_message(query, media_types, default_graph_uris, named_graph_uris)
        media, body = self._pool.call(message, self._limit(timeout_s))
        return str(media), bytes(body)

    async def aquery_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """:meth:`query_serialized`, awaiting the worker on the event loop (no thread hop).

        Raises:
            QueryError, NotAcceptable, QueryTimeout, StoreUnavailable.
        """
        message = _query_message(query, media_types, default_graph_uris, named_graph_uris)
        media, body = await self._pool.acall(message, self._limit(timeout_s))
        return str(media), bytes(body)

    def update(self, update: str, *, timeout_s: float | None = None) -> None:
        """Apply an untrusted update to a copy of the store, then publish the copy.

        On refusal, error or timeout the copy is dropped and nothing changes.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable.
        """
        with self.layout.writing() as name:
            meta = self.layout.read_meta()
            try:
                self._pool.call(("update", update, name), self._limit(timeout_s))
                self.layout.publish(name, meta)
            except BaseException:
                self.layout.discard(name)
                raise

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, sources_hash: str | None = None
    ) -> None:
        """Build a new version holding ``graphs`` (other graphs copied), then publish it.

        Raises:
            StoreError: a graph does not parse or the disk fails; the old version stays.
        """
        with self.layout.writing() as name:
            db = self.layout.db_path(name)
            db.parent.mkdir(parents=True)
            try:
                if self.layout.current_name() is not None:
                    Store.read_only(str(self.layout.current_db())).backup(str(db))
                store = Store(str(db))
                for iri, body in graphs.items():
                    graph = NamedNode(iri)
                    if store.contains_named_graph(graph):
                        store.remove_graph(graph)
                    store.bulk_load(body, format=RdfFormat.N_TRIPLES, to_graph=graph)
                store.flush()
                # Compact before publishing: versions are only ever opened read-only, which
                # never compacts, and a freshly bulk-loaded one ran large queries 2-4x slower
                # (100k cases: aggregate 3.5 s -> 1.9 s, join 5 s -> 1.1 s; 15 s to optimize).
                store.optimize()
                del store
                meta = {"sources_hash": sources_hash} if sources_hash else {}
                self.layout.publish(name, meta)
            except (SyntaxError, ValueError, OSError) as exc:
                self.layout.discard(name)
                raise StoreError(f"loading into {self.layout.root} failed: {exc}") from None
            except BaseException:
                self.layout.discard(name)
                raise

    def loaded_hash(self) -> str | None:
        """Return the sources hash of the published version, if any."""
        return self.layout.read_meta().get("sources_hash")

    def data_version(self) -> str | None:
        """Return the published version's name: versions are never written once published, and
        every load or update publishes a new one (``None`` when nothing is published)."""
        return self._reader.version_name()

    def graph_sizes(self) -> dict[str, int]:
        """Return each named graph's IRI and size. Raises: StoreUnavailable."""
        return {
            row["g"].value: int(row["n"].value)
            for row in select_trusted(self._reader.store(), GRAPH_SIZES_QUERY)
        }

    def ping(self) -> None:
        """Check that a version is published and a worker can open it.

        Raises:
            StoreUnavailable: with the reason.
        """
        self.layout.current_db()
        self._pool.call(("ping",), min(self._timeout_s, _PING_TIMEOUT_S))

    def close(self) -> None:
        """Stop the worker processes and drop the in-process handle."""
        self._pool.close()
        self._reader.close()

    def __repr__(self) -> str:
        return f"EmbeddedStore({os.fspath(self.layout.root)!r})"


def _query_message(
    query: str,
    media_types: Sequence[str],
    default_graph_uris: Sequence[str],
    named_graph_uris: Sequence[str],
) -> tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The worker message for an untrusted query (the same for the sync and async paths)."""
    return ("query", query, tuple(media_types), tuple(default_graph_uris), tuple(named_graph_uris))
