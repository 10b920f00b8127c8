"""One value derived from the store's data, kept while the data stays the same version."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from oos_kg.store.base import KgStore

__all__ = ["PerVersion"]

T = TypeVar("T")


class PerVersion(Generic[T]):
    """A value built from the store's data and built again when the data changes.

    A store that cannot name its data's version (a remote server, which other clients may
    change) gets a new build every time, unless ``unversioned_ttl_s`` lets a build serve for
    that many seconds (a costly build that many requests could otherwise repeat).

    Args:
        build: makes the value from the store.
        unversioned_ttl_s: how long a build serves when the store names no version.
    """

    def __init__(self, build: Callable[[KgStore], T], *, unversioned_ttl_s: float = 0.0) -> None:
        self._build = build
        self._ttl_s = unversioned_ttl_s
        self._lock = threading.Lock()
        self._kept: tuple[str, T] | None = None
        self._unversioned: tuple[float, T] | None = None

    def get(self, store: KgStore) -> T:
        """Return the value for ``store``'s data as it is now.

        Raises:
            Whatever the build raises (QueryTimeout, StoreUnavailable from the store).
        """
        version = store.data_version()  # read before the data (see KgStore.data_version)
        now = time.monotonic()
        with self._lock:
            kept, unversioned = self._kept, self._unversioned
        if version is not None and kept is not None and kept[0] == version:
            return kept[1]
        if version is None and unversioned is not None and now - unversioned[0] < self._ttl_s:
            return unversioned[1]
        value = self._build(store)
        with self._lock:
            if version is not None:
                self._kept = (version, value)
            elif self._ttl_s > 0:
                self._unversioned = (now, value)
        return value
