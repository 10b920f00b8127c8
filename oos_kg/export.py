"""Serialise the named graphs of the knowledge graph (pyoxigraph writers: fast and exact).

:func:`serialize_quads` is the one writer: ``oos-kg export`` (from the Turtle files), the
release set of ``oos-kg export --release`` and the server's ``/download/`` all go through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize
from rdflib import Graph

from oos_kg.namespaces import GRAPH, OOS, OOSD, OOSSH, SRC
from oos_kg.store._convert import to_oxigraph_term

__all__ = ["FORMATS", "serialize_graphs", "serialize_quads"]

FORMATS = {
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "turtle": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
}
"""Our format names and pyoxigraph's."""

_PREFIXES = {
    "oos": str(OOS),
    "oosd": str(OOSD),
    "oossh": str(OOSSH),
    "src": str(SRC),
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def serialize_quads(graphs: Mapping[str, Iterable[Triple]], fmt: str) -> bytes:
    """Serialise named graphs, sorted; Turtle, having no graphs, gets their union.

    Args:
        graphs: graph name (``products``...) to its triples.
        fmt: one of :data:`FORMATS`.

    Returns:
        UTF-8 bytes.

    Raises:
        ValueError: for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "turtle":
        union = sorted({t for triples in graphs.values() for t in triples}, key=str)
        return serialize(union, format=RdfFormat.TURTLE, prefixes=_PREFIXES) or b""
    quads = sorted(
        {
            Quad(t.subject, t.predicate, t.object, NamedNode(str(GRAPH[name])))
            for name, triples in graphs.items()
            for t in triples
        },
        key=str,
    )
    if fmt == "trig":
        return serialize(quads, format=RdfFormat.TRIG, prefixes=_PREFIXES) or b""
    return serialize(quads, format=FORMATS[fmt]) or b""


def serialize_graphs(graphs: dict[str, Graph], fmt: str) -> bytes:
    """Serialise rdflib graphs with :func:`serialize_quads`.

    Args:
        graphs: graph name (``products``...) to its triples.
        fmt: one of :data:`FORMATS`.

    Returns:
        UTF-8 bytes.

    Raises:
        ValueError: for an unknown format.
    """
    return serialize_quads(
        {
            name: [
                Triple(
                    to_oxigraph_term(s),  # type: ignore[arg-type]
                    to_oxigraph_term(p),  # type: ignore[arg-type]
                    to_oxigraph_term(o),
                )
                for s, p, o in graph
            ]
            for name, graph in graphs.items()
        },
        fmt,
    )
