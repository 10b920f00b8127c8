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

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:
        """Run a SELECT over the union default graph and return every solution.

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

    def query_serialized(
        self,
        query: str,
        media_type: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> bytes:
        """Run any query form and return its results serialised in ``media_type``.

        Raises:
            QueryError, NotAcceptable, QueryTimeout, StoreUnavailable.
        """
        ...

    def update(self, update: str, *, timeout_s: float | None = None) -> None:
        """Run a SPARQL Update (atomic: on failure nothing changes).

        Raises:
            QueryError, QueryTimeout, StoreUnavailable.
        """
        ...

    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """Replace named graphs (IRI -> N-Triples bytes) all at once, or none on failure.

        Raises:
            StoreError, StoreUnavailable.
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
