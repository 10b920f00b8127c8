"""One value derived from the store's data, kept while the data stays the same version."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from oos_kg.store.base import KgStore

__all__ = ["PerVersion"]

T = TypeVar("T")


class PerVersion(Generic[T]):
    """A value built from the store's data and built again when the data changes.

    A store that cannot name its data's version (a remote server, which other clients may
    change) gets a new build every time.
    """

    def __init__(self, build: Callable[[KgStore], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._kept: tuple[str, T] | None = None

    def get(self, store: KgStore) -> T:
        """Return the value for ``store``'s data as it is now.

        Raises:
            Whatever the build raises (QueryTimeout, StoreUnavailable from the store).
        """
        version = store.data_version()  # read before the data (see KgStore.data_version)
        with self._lock:
            kept = self._kept
        if version is not None and kept is not None and kept[0] == version:
            return kept[1]
        value = self._build(store)
        if version is not None:
            with self._lock:
                self._kept = (version, value)
        return value
