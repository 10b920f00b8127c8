"""Where the Turtle sources live, and which named graph each file fills."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GraphSource", "graph_sources", "resource_root", "sources_hash"]


def resource_root() -> Path:
    """Return the folder holding ``ontology/``, ``data/``, ``shapes/`` and ``docs/queries/``.

    A source checkout (editable install) uses the repository root; a wheel uses the copies
    packaged under ``oos_kg/_resources``.

    Returns:
        The folder.

    Raises:
        FileNotFoundError: when neither location holds the ontology.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here.parent, here / "_resources"):
        if (candidate / "ontology" / "oos.ttl").is_file():
            return candidate
    raise FileNotFoundError("ontology/oos.ttl not found beside the oos_kg package")


@dataclass(frozen=True, slots=True)
class GraphSource:
    """One named graph and the Turtle files that fill it."""

    name: str
    files: tuple[Path, ...]


def graph_sources(root: Path | None = None) -> tuple[GraphSource, ...]:
    """Return the named graphs loaded from files (``inferred`` is computed, not read).

    Args:
        root: the resource folder; :func:`resource_root` when omitted.

    Returns:
        The graphs in load order, each with its files sorted by path.

    Raises:
        FileNotFoundError: when the resource folder cannot be found.
    """
    root = root or resource_root()
    shapes = (root / "shapes" / "kg.ttl", *sorted((root / "shapes" / "cases").glob("*.ttl")))
    return (
        GraphSource(
            "ontology", tuple(root / "ontology" / name for name in ("oos.ttl", "registry.ttl"))
        ),
        GraphSource("products", (root / "data" / "sources.ttl", root / "data" / "products.ttl")),
        GraphSource("regulations", (root / "data" / "regulations.ttl",)),
        GraphSource("shapes", tuple(p for p in shapes if p.is_file())),
    )


def sources_hash(sources: tuple[GraphSource, ...]) -> str:
    """Return a SHA-256 over the names and bytes of every source file, in load order.

    Raises:
        OSError: when a file cannot be read.
    """
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode())
        for path in source.files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
