"""A release: the download set and the VoID/DCAT description of it, built from one store.

The server keeps one release per version of the store's data;
``oos-kg export --release DIR`` builds one from the Turtle files and writes it
(:func:`write_release`).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, serialize

from oos_kg.linked_data._cache import PerVersion
from oos_kg.linked_data.describe import PREFIXES
from oos_kg.linked_data.downloads import (
    Download,
    Progress,
    build_downloads,
    checksums_file,
    read_kg_graphs,
)
from oos_kg.linked_data.void import void_triples
from oos_kg.store.base import KgStore

__all__ = [
    "CHECKSUMS",
    "UNVERSIONED_RELEASE_S",
    "VOID_FILE",
    "Release",
    "build_release",
    "current_release",
    "write_release",
]

CHECKSUMS = "SHA256SUMS"
UNVERSIONED_RELEASE_S = 60.0
"""How long a release built from a remote store serves: it reads every graph and writes
3 MB, so requests (``/download/``, ``/.well-known/void``, ``/sparql``'s description) must not
each start one; the files may lag the server's data by this much."""
VOID_FILE = "void.ttl"


@dataclass(frozen=True, slots=True)
class Release:
    """The download files and the description that lists them."""

    downloads: tuple[Download, ...]
    void: tuple[Triple, ...]

    def file(self, name: str) -> Download | None:
        """The download called ``name``, if there is one."""
        return next((d for d in self.downloads if d.name == name), None)

    def checksums(self) -> bytes:
        """The ``SHA256SUMS`` file of the downloads."""
        return checksums_file(self.downloads)

    def void_turtle(self) -> bytes:
        """The VoID/DCAT description in Turtle."""
        return serialize(list(self.void), format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def build_release(store: KgStore, progress: Progress | None = None) -> Release:
    """Read the knowledge graph's named graphs from ``store`` and build the release.

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    if progress:
        progress("read the named graphs")
    downloads = build_downloads(read_kg_graphs(store), progress)
    if progress:
        progress("describe the dataset")
    return Release(downloads, tuple(void_triples(store, downloads)))


def write_release(release: Release, directory: Path) -> list[Path]:
    """Write the downloads, ``SHA256SUMS`` and ``void.ttl`` into ``directory`` (made if needed).

    Returns:
        The paths written.

    Raises:
        OSError: the folder cannot be made or written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    contents = [(d.name, d.data) for d in release.downloads]
    contents += [(CHECKSUMS, release.checksums()), (VOID_FILE, release.void_turtle())]
    for name, data in contents:
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written


_RELEASES: weakref.WeakKeyDictionary[KgStore, PerVersion[Release]] = weakref.WeakKeyDictionary()
_RELEASES_LOCK = threading.Lock()


def current_release(store: KgStore) -> Release:
    """Return the release of ``store``'s data as it is now, kept per store and data version.

    ``/download/``, ``/.well-known/void`` and the SPARQL service description share it.

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    with _RELEASES_LOCK:
        kept = _RELEASES.setdefault(
            store, PerVersion(build_release, unversioned_ttl_s=UNVERSIONED_RELEASE_S)
        )
    return kept.get(store)
