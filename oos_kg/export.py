"""Serialise the named graphs of the knowledge graph (pyoxigraph writers: fast and exact)."""

from __future__ import annotations

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, serialize
from rdflib import Graph

from oos_kg.namespaces import GRAPH, OOS, OOSD, OOSSH, SRC
from oos_kg.store._convert import to_oxigraph_term

__all__ = ["FORMATS", "serialize_graphs"]

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


def serialize_graphs(graphs: dict[str, Graph], fmt: str) -> bytes:
    """Serialise named graphs; Turtle, having no graphs, gets their union.

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
    union = fmt == "turtle"
    quads = []
    for name, graph in graphs.items():
        graph_name = DefaultGraph() if union else NamedNode(str(GRAPH[name]))
        for s, p, o in graph:
            quads.append(
                Quad(
                    to_oxigraph_term(s),  # type: ignore[arg-type]
                    to_oxigraph_term(p),  # type: ignore[arg-type]
                    to_oxigraph_term(o),
                    graph_name,
                )
            )
    if union:
        triples = [q.triple for q in sorted(set(quads), key=str)]
        out = serialize(triples, format=RdfFormat.TURTLE, prefixes=_PREFIXES)
    elif fmt == "trig":
        out = serialize(quads, format=RdfFormat.TRIG, prefixes=_PREFIXES)
    else:
        out = serialize(quads, format=FORMATS[fmt])
    return out or b""
