"""Fill a store from the Turtle sources: one named graph per source, plus ``graph/inferred``.

Files are parsed with pyoxigraph (exact error positions), the reasoner runs once over
ontology + data, and every graph is handed to the store in one
:meth:`~oos_kg.store.base.KgStore.replace_graphs` call, which is all or nothing.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from oos_kg.errors import InputError, RdfSyntaxError
from oos_kg.namespaces import GRAPH
from oos_kg.resources import GraphSource, graph_sources, sources_hash
from oos_kg.store.base import KgStore

__all__ = ["LoadReport", "build_graphs", "ensure_loaded", "load_store"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
"""Called with a short description before each step of a load."""

_POSITION = re.compile(
    r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: "
)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did: graph IRI -> triples written, and the sources hash."""

    sizes: dict[str, int]
    sources_hash: str
    skipped: bool = False


def _read_turtle(path: Path) -> bytes:
    """Return the N-Triples of one Turtle file.

    Raises:
        InputError: the file is missing. RdfSyntaxError: it does not parse.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: source file not found") from None
    try:
        triples = list(parse(data, format=RdfFormat.TURTLE, base_iri=path.as_uri()))
    except SyntaxError as exc:
        message = _POSITION.sub("", str(exc.msg))
        raise RdfSyntaxError(
            message, source=path.name, line=exc.lineno, column=exc.offset
        ) from None
    return serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def _infer(graphs: dict[str, bytes]) -> bytes | None:
    """Run ``oos_kg.reasoning.infer`` over ontology + data; None while it does not exist."""
    try:
        reasoning = importlib.import_module("oos_kg.reasoning")
    except ModuleNotFoundError as exc:
        if exc.name != "oos_kg.reasoning":
            raise
        logger.warning("oos_kg.reasoning is not there yet: graph/inferred stays empty")
        return None
    from rdflib import Graph

    def rdflib_graph(*names: str) -> Graph:
        graph = Graph()
        for name in names:
            graph.parse(data=graphs.get(str(GRAPH[name]), b""), format="nt")
        return graph

    ontology = rdflib_graph("ontology")
    data = rdflib_graph("ontology", "products", "regulations")
    inferred = reasoning.infer(ontology, data)
    return bytes(inferred.serialize(format="nt", encoding="utf-8"))


def _hash(sources: tuple[GraphSource, ...]) -> str:
    try:
        return sources_hash(sources)
    except FileNotFoundError as exc:
        raise InputError(f"{exc.filename}: source file not found") from None


def build_graphs(
    sources: tuple[GraphSource, ...], progress: Progress | None = None
) -> dict[str, bytes]:
    """Parse the sources and run the reasoner: graph IRI -> N-Triples, ``inferred`` included.

    Args:
        sources: the graphs and their files (:func:`oos_kg.resources.graph_sources`).
        progress: told the step about to run.

    Returns:
        Every named graph's content; ``inferred`` is empty while the reasoner is missing.

    Raises:
        InputError: a missing file. RdfSyntaxError: a file that does not parse.
    """
    graphs: dict[str, bytes] = {}
    for source in sources:
        if progress:
            progress(f"parse {source.name}")
        graphs[str(GRAPH[source.name])] = b"".join(_read_turtle(p) for p in source.files)
    if progress:
        progress("infer")
    graphs[str(GRAPH["inferred"])] = _infer(graphs) or b""
    return graphs


def load_store(
    store: KgStore,
    sources: tuple[GraphSource, ...] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load the sources into ``store``, replacing its named graphs at once.

    Args:
        store: the store to fill.
        sources: defaults to :func:`oos_kg.resources.graph_sources`.
        progress: told the step about to run.

    Returns:
        The graph sizes written and the sources hash.

    Raises:
        InputError, RdfSyntaxError: bad sources (the store is untouched).
        StoreError, StoreUnavailable: the store failed (it keeps its old graphs).
    """
    sources = sources or graph_sources()
    digest = _hash(sources)
    graphs = build_graphs(sources, progress)
    if progress:
        progress("write")
    store.replace_graphs(graphs, sources_hash=digest)
    sizes = {iri: body.count(b"\n") for iri, body in graphs.items()}
    logger.info("loaded %d graphs, %d triples", len(sizes), sum(sizes.values()))
    return LoadReport(sizes=sizes, sources_hash=digest)


def ensure_loaded(
    store: KgStore,
    sources: tuple[GraphSource, ...] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load only when the sources' hash differs from the one the store holds.

    Raises:
        As :func:`load_store`.
    """
    sources = sources or graph_sources()
    digest = _hash(sources)
    if store.loaded_hash() == digest:
        return LoadReport(sizes={}, sources_hash=digest, skipped=True)
    return load_store(store, sources, progress)
