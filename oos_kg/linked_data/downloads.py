"""The download files: every named graph of the knowledge graph, read from the store, written
by :func:`oos_kg.export.serialize_quads` (the code of ``oos-kg export``), with SHA-256 sums."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from oos_kg.export import serialize_quads
from oos_kg.linked_data._queries import KG_GRAPHS, bind, load_query
from oos_kg.namespaces import BASE, GRAPH
from oos_kg.store.base import KgStore

__all__ = [
    "DOWNLOAD_PATH",
    "Download",
    "Progress",
    "build_downloads",
    "checksums_file",
    "read_kg_graphs",
]

DOWNLOAD_PATH = "/download/"
"""Where the files are served, below the base IRI and on the server."""

Progress = Callable[[str], None]
"""Told the step about to run."""

_WHOLE = (
    ("oos-kg.nq", "nquads", "application/n-quads", "every named graph, N-Quads"),
    ("oos-kg.trig", "trig", "application/trig", "every named graph, TriG"),
    ("oos-kg.jsonld", "jsonld", "application/ld+json", "every named graph, JSON-LD"),
)


@dataclass(frozen=True, slots=True)
class Download:
    """One file of the download set."""

    name: str
    media_type: str
    title: str
    data: bytes = field(repr=False)
    graph: str | None = None
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)

    @property
    def url(self) -> str:
        """The file's IRI under the base (also its download URL once w3id.org redirects)."""
        return BASE + DOWNLOAD_PATH + self.name


def read_kg_graphs(
    store: KgStore, graphs: Sequence[NamedNode] = KG_GRAPHS
) -> dict[str, list[Triple]]:
    """Read every statement of the knowledge graph's named graphs, by graph name.

    Args:
        store: the store.
        graphs: the graphs to read, all of the knowledge graph's by default.

    Blank nodes keep their identity within the one query that reads them all.

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    found: dict[str, list[Triple]] = {g.value[len(str(GRAPH)) :]: [] for g in graphs}
    for row in store.select(bind(load_query("graph-statements"), {"g": graphs})):
        subject, predicate, obj = row["s"], row["p"], row["o"]
        if isinstance(subject, Literal) or not isinstance(predicate, NamedNode):
            continue  # never stored; keeps the types exact
        assert isinstance(subject, NamedNode | BlankNode)
        found[row["g"].value[len(str(GRAPH)) :]].append(Triple(subject, predicate, obj))
    return found


def build_downloads(
    graphs: Mapping[str, Sequence[Triple]], progress: Progress | None = None
) -> tuple[Download, ...]:
    """Write the download set: all graphs as N-Quads, TriG and JSON-LD, each graph as Turtle.

    Args:
        graphs: graph name (``products``...) to its triples.
        progress: told each file before it is written.

    Returns:
        The files, in the order of the listing.

    Raises:
        Nothing beyond the serialiser's own errors (none for stored terms).
    """
    files = []
    for name, fmt, media, title in _WHOLE:
        if progress:
            progress(name)
        files.append(Download(name, media, title, serialize_quads(graphs, fmt)))
    for graph in graphs:
        name = f"graph-{graph}.ttl"
        if progress:
            progress(name)
        data = serialize_quads({graph: graphs[graph]}, "turtle")
        files.append(Download(name, "text/turtle", f"graph/{graph}, Turtle", data, graph))
    return tuple(files)


def checksums_file(downloads: Sequence[Download]) -> bytes:
    """Return a ``SHA256SUMS`` file (``sha256sum -c`` reads it) of ``downloads``.

    >>> checksums_file([Download("a.nq", "application/n-quads", "a", b"")]).decode()[:16]
    'e3b0c44298fc1c14'
    """
    return "".join(f"{d.sha256}  {d.name}\n" for d in downloads).encode()
