"""Name indexes: the products and active substances by each of their names, in any case.

``product(name:)``, ``substance(name:)`` and ``studies(substance:)`` first look for the
resources one of whose names equals the given one in any case (``queries/*-by-exact-name.rq``).
SPARQL has no case-insensitive index, so that query lowercases and compares every name of
every product (about 0.45 ms on the paper's graph, the most of ``product(name:)``'s time).

An index here holds the same pairs, each name lowercased by the store
(``queries/*-names.rq``), kept for each version of the data (:mod:`graphql_api._versioned`):
a store that cannot name its versions (a remote server) gets no index, and every lookup runs
the query, as before. So does a version with more names than :data:`MAX_NAMES`.

A given name is lowercased by Python when it is all ASCII (where every lowercase mapping
agrees) and by the store otherwise (``queries/lowercase.rq``), so both sides of the
comparison are lowercased as the query lowercases them.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from pyoxigraph import Literal

from graphql_api._versioned import DERIVED

if TYPE_CHECKING:
    from graphql_api._records import StoreRunner

__all__ = ["MAX_NAMES", "NAME_QUERIES", "lookup"]

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


async def lookup(runner: StoreRunner, query: str, name: str) -> list[str] | None:
    """Return the IRIs the exact-name ``query`` would answer for ``name``, in its order, or
    ``None`` when there is no index to answer from (the caller runs the query).

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    listing = NAME_QUERIES.get(query)
    if listing is None:
        return None
    index = await DERIVED.get(runner, listing, partial(_build, listing=listing))
    if index is None:
        return None
    key = name.lower() if name.isascii() else await _store_lowercase(runner, name)
    return list(index.get(key, ()))


async def _build(runner: StoreRunner, *, listing: str) -> Index | None:
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
