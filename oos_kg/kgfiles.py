"""Read the Turtle sources into rdflib graphs, one per named graph, plus the inferred graph."""

from __future__ import annotations

import re
from pathlib import Path

from pyoxigraph import RdfFormat
from pyoxigraph import parse as ox_parse
from rdflib import Graph

from oos_kg.errors import RdfSyntaxError
from oos_kg.resources import GraphSource, graph_sources

__all__ = ["build_named_graphs", "parse_turtle", "read_graphs"]


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file, naming file, line and column on a syntax error.

    Args:
        path: the file.

    Returns:
        Its triples.

    Raises:
        RdfSyntaxError: the file does not parse (message ``file:line:column: reason``).
        OSError: the file cannot be read.
    """
    data = path.read_bytes()
    try:
        # pyoxigraph reports exact positions; parse with it first so errors are precise.
        for _ in ox_parse(data, format=RdfFormat.TURTLE, base_iri=path.as_uri()):
            pass
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "offset", None)
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc.msg))
        raise RdfSyntaxError(message, source=path.name, line=line, column=column) from None
    graph = Graph()
    graph.parse(data=data, format="turtle", publicID=path.as_uri())
    return graph


def read_graphs(sources: tuple[GraphSource, ...] | None = None) -> dict[str, Graph]:
    """Parse every source file into its named graph (``ontology``, ``products``, ...).

    Raises:
        RdfSyntaxError: a file does not parse. FileNotFoundError: a source file is missing.
    """
    graphs: dict[str, Graph] = {}
    for source in sources or graph_sources():
        graph = Graph()
        for path in source.files:
            graph += parse_turtle(path)
        graphs[source.name] = graph
    return graphs


def build_named_graphs(sources: tuple[GraphSource, ...] | None = None) -> dict[str, Graph]:
    """Return every named graph of the store, ``inferred`` included, built from the files.

    Raises:
        RdfSyntaxError: a file does not parse. FileNotFoundError: a source file is missing.
    """
    from oos_kg.reasoning import infer

    graphs = read_graphs(sources)
    data = Graph()
    for name in ("products", "regulations"):
        data += graphs.get(name, Graph())
    graphs["inferred"] = infer(graphs["ontology"], graphs["ontology"] + data)
    return graphs
