"""Values derived from the data (indexes), kept for the store's current version of the data.

Each is built by its first use on a version and kept under the version's name
(:meth:`~oos_kg.store.base.KgStore.data_version`): a load or an update makes a new version,
whose first use builds the value again. A store that cannot name its versions (a remote
server, which other clients may change) keeps nothing, and its callers do without.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphql_api._records import StoreRunner

__all__ = ["DERIVED", "VersionedValues"]


class VersionedValues:
    """The values derived from each store's data, for its current version only.

    Keyed by the store object (weakly: a dropped store takes its values along). Two requests
    of one new version may both build a value; they build the same thing.
    """

    def __init__(self) -> None:
        self._kept: weakref.WeakKeyDictionary[object, tuple[str, dict[str, Any]]] = (
            weakref.WeakKeyDictionary()
        )

    async def get(
        self, runner: StoreRunner, name: str, build: Callable[[StoreRunner], Awaitable[Any]]
    ) -> Any:
        """Return the value ``name`` for the store's current version, built by ``build`` the
        first time; ``None`` when the store cannot name its version (or ``build`` says
        ``None``: nothing to keep).

        The version is read before the value is built, so a value is never kept under a
        version newer than the data it was built from (built from newer data than its
        version, it is only built again when that newer version is asked for).

        Raises:
            As ``build``.
        """
        version = runner.data_version()
        if version is None:
            return None
        store = runner.store
        kept = self._kept.get(store)
        if kept is None or kept[0] != version:
            kept = (version, {})
            self._kept[store] = kept
        values = kept[1]
        if name not in values:
            values[name] = await build(runner)
        return values[name]


DERIVED = VersionedValues()
"""The process's derived values (every schema and request shares them: they follow the data)."""
