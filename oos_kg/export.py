"""Serialise the named graphs of the knowledge graph."""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from oos_kg.namespaces import GRAPH

__all__ = ["FORMATS", "serialize_graphs"]

FORMATS = {"nquads": "nquads", "trig": "trig", "turtle": "turtle", "jsonld": "json-ld"}
"""Our format names and rdflib's."""


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
    if fmt == "turtle":
        union = Graph()
        for graph in graphs.values():
            union += graph
        _bind(union)
        return union.serialize(format="turtle", encoding="utf-8")
    dataset = Dataset()
    for name, graph in graphs.items():
        named = dataset.graph(URIRef(str(GRAPH[name])))
        for triple in graph:
            named.add(triple)
    _bind(dataset)
    return dataset.serialize(format=FORMATS[fmt], encoding="utf-8")


def _bind(graph: Graph) -> None:
    from oos_kg.namespaces import OOS, OOSD, OOSSH, SRC

    for prefix, ns in (("oos", OOS), ("oosd", OOSD), ("src", SRC), ("oossh", OOSSH)):
        graph.bind(prefix, ns)
