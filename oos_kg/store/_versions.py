"""On-disk layout of the embedded store: immutable versions and an atomically swapped pointer.

::

    <store_path>/
        current -> versions/<id>      symlink, replaced with one atomic rename
        versions/<id>/db/             a pyoxigraph (RocksDB) store, never written once published
        versions/<id>/meta.json       {"sources_hash": ...}
        .lock                         held (flock) by whoever builds a version

A load or an update builds a new version beside the published one and then renames a fresh
symlink over ``current``. A crash or ``kill -9`` before the rename leaves the old version
current (the half-built one is removed by the next writer); after it, the new one. Readers
never see a mix, and query workers may keep a read-only handle on a version because nobody
writes it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from oos_kg.errors import StoreUnavailable

__all__ = ["StoreLayout"]


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """Paths and pointer operations of one embedded store directory."""

    root: Path

    @property
    def pointer(self) -> Path:
        """The ``current`` symlink."""
        return self.root / "current"

    @property
    def versions(self) -> Path:
        """The folder holding every version."""
        return self.root / "versions"

    def current_name(self) -> str | None:
        """Return the published version's name, or None before the first load.

        Raises:
            OSError: when the pointer exists but cannot be read.
        """
        try:
            return Path(os.readlink(self.pointer)).name
        except FileNotFoundError:
            return None

    def db_path(self, name: str) -> Path:
        """Return the pyoxigraph directory of version ``name``."""
        return self.versions / name / "db"

    def current_db(self) -> Path:
        """Return the published version's pyoxigraph directory.

        Raises:
            StoreUnavailable: when nothing has been loaded yet.
        """
        name = self.current_name()
        if name is None:
            raise StoreUnavailable("the store is empty (nothing loaded yet); run `oos-kg load`")
        return self.db_path(name)

    def read_meta(self) -> dict[str, str]:
        """Return the published version's metadata ({} before the first load).

        Raises:
            OSError: on an unreadable metadata file.
        """
        name = self.current_name()
        if name is None:
            return {}
        try:
            meta = json.loads((self.versions / name / "meta.json").read_text("utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in meta.items() if v is not None}

    @contextlib.contextmanager
    def writing(self) -> Iterator[str]:
        """Hold the writer lock and yield the name for a new version.

        Raises:
            OSError: when the store directory cannot be created or locked.
        """
        self.versions.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield f"{time.time_ns():020d}-{os.getpid()}"
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def publish(self, name: str, meta: dict[str, str]) -> None:
        """Write ``meta`` for version ``name``, point ``current`` at it, drop older versions.

        Call with the writer lock held (inside :meth:`writing`). The version before this one
        is kept, for workers still reading it; anything older, and half-built versions left
        by a crash, are removed.

        Raises:
            OSError: when the pointer cannot be replaced (the old version stays current).
        """
        folder = self.versions / name
        meta_file = folder / "meta.json"
        with open(meta_file, "w", encoding="utf-8") as out:
            json.dump(meta, out)
            out.flush()
            os.fsync(out.fileno())
        previous = self.current_name()
        link = self.root / f".current-{name}"
        os.symlink(Path("versions") / name, link)
        os.replace(link, self.pointer)
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self.collect(keep={name, previous})

    def collect(self, keep: set[str | None]) -> None:
        """Remove versions not in ``keep`` and stray pointer files (writer lock held)."""
        for child in self.versions.iterdir():
            if child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
        for stray in self.root.glob(".current-*"):
            stray.unlink(missing_ok=True)

    def discard(self, name: str) -> None:
        """Remove an unpublished version after a failed build."""
        shutil.rmtree(self.versions / name, ignore_errors=True)
