"""Convert terms between rdflib and pyoxigraph."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

__all__ = ["to_oxigraph_term"]


def to_oxigraph_term(term: Node) -> NamedNode | BlankNode | Literal:
    """Return the pyoxigraph term equal to an rdflib term.

    Raises:
        TypeError: for rdflib nodes that are not IRIs, blank nodes or literals.

    >>> to_oxigraph_term(RdfLiteral("48", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))
    <Literal value=48 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return Literal(str(term), language=term.language)
        if term.datatype:
            return Literal(str(term), datatype=NamedNode(str(term.datatype)))
        return Literal(str(term))
    raise TypeError(f"cannot convert {type(term).__name__} to a pyoxigraph term")
