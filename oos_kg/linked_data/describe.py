"""The bounded description of one resource, read from the store and written in an RDF format.

The description holds the resource's own statements (and those of the blank nodes it links
to), the statements of the knowledge graph's named graphs that point at it, and the labels of
every IRI on the other side of either: enough for a reader to follow each link by name, never
the whole graph. Case graphs, kept in other named graphs, are never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Triple, serialize

from oos_kg.linked_data._queries import KG_GRAPHS, bind, load_query
from oos_kg.linked_data.negotiation import Format
from oos_kg.namespaces import BASE, GRAPH, OOS, OOSD, OOSSH, SRC
from oos_kg.store.base import Bindings, KgStore

__all__ = [
    "PREFIXES",
    "Description",
    "Statement",
    "adescribe",
    "describe",
    "iri_of_path",
    "serialize_triples",
]

Term = NamedNode | BlankNode | Literal

PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "graph": str(GRAPH),
    "oos": str(OOS),
    "oosd": str(OOSD),
    "oossh": str(OOSSH),
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "src": str(SRC),
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""Prefixes the Turtle and RDF/XML answers declare."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a description and the named graph holding it (None: the dataset
    description of :mod:`oos_kg.linked_data.void`, not a stored graph)."""

    subject: NamedNode | BlankNode
    predicate: NamedNode
    object: Term
    graph: NamedNode | None

    @property
    def triple(self) -> Triple:
        """The statement without its graph."""
        return Triple(self.subject, self.predicate, self.object)


@dataclass(frozen=True, slots=True)
class Description:
    """A resource and the statements of its bounded description."""

    resource: NamedNode
    statements: tuple[Statement, ...]

    @property
    def found(self) -> bool:
        """Whether the knowledge graph says anything of the resource."""
        return bool(self.statements)

    def triples(self) -> list[Triple]:
        """The distinct triples, sorted (stable output)."""
        return sorted({s.triple for s in self.statements}, key=str)

    def with_statements(self, extra: Iterable[Statement]) -> Description:
        """Return this description with ``extra`` statements added."""
        return Description(self.resource, (*self.statements, *extra))


def _query(resource: NamedNode) -> str:
    one = [resource]
    return bind(
        load_query("describe"), {"g": KG_GRAPHS, "h": KG_GRAPHS, "s": one, "o": one, "r": one}
    )


def _statements(rows: Sequence[Bindings]) -> tuple[Statement, ...]:
    out = []
    for row in rows:
        subject, predicate, graph = row["s"], row["p"], row["g"]
        if isinstance(subject, Literal) or not isinstance(predicate, NamedNode):
            continue  # cannot happen in a stored statement; keeps the types exact
        out.append(Statement(subject, predicate, row["o"], graph))  # type: ignore[arg-type]
    return tuple(dict.fromkeys(out))


def describe(store: KgStore, resource: NamedNode) -> Description:
    """Read the bounded description of ``resource`` (empty when the graph does not know it).

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    return Description(resource, _statements(store.select(_query(resource))))


async def adescribe(store: KgStore, resource: NamedNode) -> Description:
    """:func:`describe` for the HTTP routes: never blocks the event loop.

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    return Description(resource, _statements(await store.aselect(_query(resource))))


def serialize_triples(triples: Sequence[Triple], fmt: Format) -> bytes:
    """Write ``triples`` in ``fmt`` (an RDF format), declaring :data:`PREFIXES` where it can.

    Raises:
        ValueError: ``fmt`` is not an RDF format.
    """
    if fmt.rdf is None:
        raise ValueError(f"{fmt.media_type} is not an RDF format")
    if fmt.name == "nt":
        return serialize(triples, format=fmt.rdf) or b""
    return serialize(triples, format=fmt.rdf, prefixes=PREFIXES, base_iri=None) or b""


def iri_of_path(path: str) -> NamedNode | None:
    """The IRI a request path stands for (the base IRI and the path), or None if it is none.

    >>> iri_of_path("/id/product-kymriah")
    <NamedNode value=https://w3id.org/oos-kg/id/product-kymriah>
    >>> iri_of_path("/id/a b") is None
    True
    """
    try:
        return NamedNode(BASE + path)
    except ValueError:
        return None
