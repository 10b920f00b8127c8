"""The interface every store backend implements; nothing above the store layer sees more.

Terms cross this interface as pyoxigraph terms (``NamedNode``, ``Literal``, ``BlankNode``)
whichever backend answers, so callers never branch on the backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from pyoxigraph import BlankNode, Literal, NamedNode

__all__ = ["Bindings", "KgStore"]

Bindings = dict[str, NamedNode | Literal | BlankNode]
"""One solution of a SELECT: variable name (no ``?``) to term; unbound variables absent."""


@runtime_checkable
class KgStore(Protocol):
    """What the API, GraphQL and validation layers may ask of a store."""

    answers_in_process: bool
    """Whether :meth:`select` answers in this process, waiting on no socket and no other
    process (the embedded and memory stores): a caller on the event loop may then run a short
    query it wrote through :meth:`select` directly, sparing the thread hop of :meth:`aselect`."""

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run a SELECT over the union default graph and return every solution.

        For queries the code writes (GraphQL, validation): they are not checked for SERVICE
        or FROM. Text from outside goes through :meth:`query_serialized`, which checks it.

        Raises:
            QueryError: malformed query. QueryTimeout: over the limit. StoreUnavailable.
        """
        ...

    def ask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """Run an ASK query.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as :meth:`select`.
        """
        ...

    async def aselect(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """:meth:`select` for async callers; never blocks the event loop.

        Raises:
            As :meth:`select`.
        """
        ...

    async def aask(self, query: str, *, timeout_s: float | None = None) -> bool:
        """:meth:`ask` for async callers; never blocks the event loop.

        Raises:
            As :meth:`ask`.
        """
        ...

    def query_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """Check and run an untrusted query of any form; serialise it in the first fitting type.

        The default graph is the union of the named graphs unless the query (FROM) or the
        protocol parameters name a dataset. SERVICE, and dataset IRIs outside the store's
        graphs, are refused unless ``allowed_hosts`` names the host.

        Args:
            query: the SPARQL query text.
            media_types: acceptable result media types, best first
                (see :func:`oos_kg.sparql.negotiation.acceptable_types`).
            default_graph_uris: the protocol's ``default-graph-uri`` values.
            named_graph_uris: the protocol's ``named-graph-uri`` values.
            timeout_s: time limit; the store's default when None.

        Returns:
            The chosen media type and the serialised result.

        Raises:
            QueryError, NotAcceptable, QueryTimeout, StoreUnavailable.
        """
        ...

    async def aquery_serialized(
        self,
        query: str,
        media_types: Sequence[str],
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> tuple[str, bytes]:
        """:meth:`query_serialized` for async callers (the HTTP routes); never blocks the loop.

        Raises:
            As :meth:`query_serialized`.
        """
        ...

    def update(self, update: str, *, timeout_s: float | None = None) -> None:
        """Check and run an untrusted SPARQL Update (atomic: on failure nothing changes).

        Raises:
            QueryError, QueryTimeout, StoreUnavailable.
        """
        ...

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, sources_hash: str | None = None
    ) -> None:
        """Replace named graphs (IRI -> N-Triples bytes) all at once, or none on failure.

        Args:
            graphs: the new content of each graph named; other graphs stay as they are.
            sources_hash: the hash of the files the graphs came from, kept for
                :meth:`loaded_hash`.

        Raises:
            StoreError, StoreUnavailable.
        """
        ...

    def loaded_hash(self) -> str | None:
        """Return the ``sources_hash`` of the last :meth:`replace_graphs`, if the store keeps it.

        Raises:
            StoreUnavailable.
        """
        ...

    def data_version(self) -> str | None:
        """Return a name for the data as it is now: another name whenever the data changes, so
        what is derived from the data may be kept under it; ``None`` when the store cannot tell
        (a remote server, which other clients may change), and nothing may be kept.

        Read it before reading the data a derived value comes from: a change in between then
        only makes that value be derived again.
        """
        ...

    def graph_sizes(self) -> dict[str, int]:
        """Return each named graph's IRI and its number of triples.

        Raises:
            StoreUnavailable.
        """
        ...

    def ping(self) -> None:
        """Return quietly when the store answers.

        Raises:
            StoreUnavailable: with the reason.
        """
        ...

    def close(self) -> None:
        """Release files, processes and connections."""
        ...
