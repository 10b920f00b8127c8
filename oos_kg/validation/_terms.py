"""rdflib terms to pyoxigraph terms, for loading a case into the store the engine reads."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from oos_kg.errors import RdfSyntaxError

__all__ = ["OxTerm", "to_ox", "to_ox_quad"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_ox(node: Node) -> OxTerm:
    """Convert an rdflib term, keeping a literal's lexical form (ill-typed ones included).

    Raises:
        RdfSyntaxError: a term Oxigraph refuses, such as a relative IRI (rdflib's RDF/XML
            parser keeps unqualified attributes as such) or an invalid language tag: the
            case's fault, not ours.
        TypeError: for something that is not an RDF term.
    """
    try:
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, BNode):
            return ox.BlankNode(str(node))
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype is not None:
                return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
            return ox.Literal(str(node))
    except ValueError as exc:
        raise RdfSyntaxError(f"{node.n3()[:200]} is not a valid RDF term: {exc}") from None
    raise TypeError(f"not an RDF term: {node!r}")


def to_ox_quad(triple: tuple[Node, Node, Node]) -> ox.Quad:
    """Convert an rdflib triple into a quad of the default graph.

    Raises:
        RdfSyntaxError, TypeError: as :func:`to_ox`.
    """
    s, p, o = (to_ox(term) for term in triple)
    return ox.Quad(s, p, o)  # type: ignore[arg-type]
