"""Name indexes: the products and active substances by each of their names, in any case.

``product(name:)``, ``substance(name:)`` and ``studies(substance:)`` first look for the
resources one of whose names equals the given one in any case (``queries/*-by-exact-name.rq``).
SPARQL has no case-insensitive index, so that query lowercases and compares every name of
every product (about 0.45 ms on the paper's graph, the most of ``product(name:)``'s time).

An index here holds the same pairs, each name lowercased by the store
(``queries/*-names.rq``), built on the first lookup of a version of the data and kept under
that version's name (:meth:`~oos_kg.store.base.KgStore.data_version`): a load or an update
makes a new version, whose first lookup builds its index again. A store that cannot name its
versions (a remote server, which other clients may change) gets no index: every lookup runs
the query, as before. So does a version with more names than :data:`MAX_NAMES`.

A given name is lowercased by Python when it is all ASCII (where every lowercase mapping
agrees) and by the store otherwise (``queries/lowercase.rq``), so both sides of the
comparison are lowercased as the query lowercases them.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from pyoxigraph import Literal

if TYPE_CHECKING:
    from graphql_api._records import StoreRunner

__all__ = ["MAX_NAMES", "NAME_INDEXES", "NAME_QUERIES", "NameIndexes"]

MAX_NAMES = 200_000
"""A version with more names than this (rows of its ``*-names.rq``) is not indexed."""

NAME_QUERIES = {
    "product-by-exact-name": "product-names",
    "substance-by-exact-name": "substance-names",
}
"""Each exact-name query and the query listing the (resource, lowercased name) pairs it
compares."""

Index = dict[str, tuple[str, ...]]
"""Lowercased name -> the IRIs named so, sorted as the exact-name queries' ``ORDER BY ?s``."""


class NameIndexes:
    """The name indexes of each store, kept for its current version of the data only.

    Keyed by the store object (weakly: a closed and dropped store takes its indexes along).
    Two requests of one new version may both build its index; they build the same thing.
    """

    def __init__(self) -> None:
        self._kept: weakref.WeakKeyDictionary[object, tuple[str, dict[str, Index | None]]] = (
            weakref.WeakKeyDictionary()
        )

    async def lookup(self, runner: StoreRunner, query: str, name: str) -> list[str] | None:
        """Return the IRIs the exact-name ``query`` would answer for ``name``, in its order,
        or ``None`` when there is no index to answer from (the caller runs the query).

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
        """
        listing = NAME_QUERIES.get(query)
        version = runner.data_version()
        if listing is None or version is None:
            return None
        index = await self._index(runner, listing, version)
        if index is None:
            return None
        key = name.lower() if name.isascii() else await _store_lowercase(runner, name)
        return list(index.get(key, ()))

    async def _index(self, runner: StoreRunner, listing: str, version: str) -> Index | None:
        store = runner.store
        kept = self._kept.get(store)
        if kept is None or kept[0] != version:
            kept = (version, {})
            self._kept[store] = kept
        indexes = kept[1]
        if listing not in indexes:
            indexes[listing] = await _build(runner, listing)
        return indexes[listing]


async def _build(runner: StoreRunner, listing: str) -> Index | None:
    """Read ``queries/<listing>.rq`` into an index; ``None`` when it has too many names.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    rows = await runner.select_named(listing, {})
    if len(rows) > MAX_NAMES:
        return None
    named: dict[str, set[str]] = {}
    for row in rows:
        key = row.get("key")
        if key is not None:
            named.setdefault(key.value, set()).add(row["s"].value)
    return {key: tuple(sorted(iris)) for key, iris in named.items()}


async def _store_lowercase(runner: StoreRunner, name: str) -> str:
    """``name`` lowercased by the store's ``LCASE``.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    rows = await runner.select_named("lowercase", {"name": Literal(name)})
    return str(rows[0]["key"].value)


NAME_INDEXES = NameIndexes()
"""The process's name indexes (every schema and request shares them: they follow the data)."""
