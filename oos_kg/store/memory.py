"""In-memory store for tests and one-off CLI runs: queries run in this process.

A query here cannot be stopped once started (pyoxigraph has no timeout and a thread cannot be
killed), so ``timeout_s`` is not enforced; serve from the embedded on-disk store, whose query
workers are ended on time.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence

from pyoxigraph import NamedNode, RdfFormat, Store

from oos_kg.errors import StoreError
from oos_kg.store._execute import (
    GRAPH_SIZES_QUERY,
    ask_trusted,
    run_query,
    run_update,
    select_trusted,
)
from oos_kg.store._threads import in_thread
from oos_kg.store.base import Bindings

__all__ = ["MemoryStore"]


class MemoryStore:
    """A pyoxigraph ``Store`` in memory behind the :class:`~oos_kg.store.base.KgStore` API.

    Args:
        allowed_hosts: hosts SERVICE, LOAD and FROM may name.
    """

    answers_in_process = True

    def __init__(self, *, allowed_hosts: Sequence[str] = ()) -> None:
        self._store = Store()
        self._allowed_hosts = tuple(allowed_hosts)
        self._hash: str | None = None
        self._write_lock = threading.Lock()
        self._changes = 0  # counted after each change is made: see data_version

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:  # noqa: ARG002
        """Run a trusted SELECT. Raises: QueryError."""
        return select_trusted(self._store, query)

    def ask(self, query: str, *, timeout_s: float | None = None) -> bool:  # noqa: ARG002
        """Run a trusted ASK. Raises: QueryError."""
        return ask_trusted(self._store, query)

    async def aselect(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run :meth:`select` in a thread. Raises: as that method."""
        return await in_thread(functools.partial(self.select, query, timeout_s=timeout_s))

    async def aask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """Run :meth:`ask` in a thread. Raises: as that method."""
        return await in_thread(functools.partial(self.ask, query, timeout_s=timeout_s))

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,  # noqa: ARG002
    ) -> tuple[str, bytes]:
        """Check and run an untrusted query. Raises: QueryError, NotAcceptable."""
        return run_query(
            self._store,
            query,
            media_types,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
            allowed_hosts=self._allowed_hosts,
        )

    async def aquery_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """Run :meth:`query_serialized` in a thread. Raises: as that method."""
        return await in_thread(
            functools.partial(
                self.query_serialized,
                query,
                media_types,
                default_graph_uris=default_graph_uris,
                named_graph_uris=named_graph_uris,
                timeout_s=timeout_s,
            )
        )

    def update(self, update: str, *, timeout_s: float | None = None) -> None:  # noqa: ARG002
        """Check and run an untrusted update, all or nothing. Raises: QueryError."""
        with self._write_lock:
            try:
                run_update(self._store, update, self._allowed_hosts)
            finally:  # a failed update changes nothing, but counting it costs nothing either
                self._changes += 1

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, sources_hash: str | None = None
    ) -> None:
        """Build the new graphs in a fresh store, then swap it in (readers never see a mix).

        Raises:
            StoreError: a graph's N-Triples do not parse.
        """
        with self._write_lock:
            fresh = Store()
            fresh.extend(
                quad
                for quad in self._store
                if not (isinstance(quad.graph_name, NamedNode) and quad.graph_name.value in graphs)
            )
            for iri, body in graphs.items():
                try:
                    fresh.load(body, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(iri))
                except (SyntaxError, ValueError) as exc:
                    raise StoreError(f"graph <{iri}> does not parse: {exc}") from None
            self._store = fresh
            self._hash = sources_hash
            self._changes += 1

    def loaded_hash(self) -> str | None:
        """Return the hash given to the last :meth:`replace_graphs`."""
        return self._hash

    def data_version(self) -> str:
        """Return ``changes-N``, N the number of updates and loads so far (counted once each
        is done, so a value derived from data read after this name was read is never older
        than the data the name stands for)."""
        return f"changes-{self._changes}"

    def graph_sizes(self) -> dict[str, int]:
        """Return each named graph's IRI and size."""
        return {
            row["g"].value: int(row["n"].value)
            for row in select_trusted(self._store, GRAPH_SIZES_QUERY)
        }

    def ping(self) -> None:
        """Always answers: the store lives in this process."""

    def close(self) -> None:
        """Nothing to release."""
