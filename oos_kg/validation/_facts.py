"""The knowledge-graph facts some rules need, and what the graph says about each clause.

Both come from two SPARQL files (``queries/facts.rq``, ``queries/clauses.rq``), run either on
the app's store or on an rdflib graph of the data files, so the CLI and HTTP agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import ResultRow
from rdflib.term import Node

from oos_kg.resources import resource_root
from oos_kg.store.base import KgStore

__all__ = [
    "ClauseInfo",
    "KgFacts",
    "afacts_from_store",
    "facts_from_graph",
    "facts_from_store",
    "load_kg_facts",
]

_QUERIES = Path(__file__).resolve().parent / "queries"


@cache
def _query(name: str) -> str:
    return (_QUERIES / name).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class ClauseInfo:
    """What the graph says about a clause, for reports.

    Attributes:
        iri: the clause IRI. label: its English label. number: its number as printed.
        instrument: the English label of its legal instrument. text: a short text.
    """

    iri: str
    label: str | None = None
    number: str | None = None
    instrument: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class KgFacts:
    """Facts merged into every case graph, and clause descriptions for reports."""

    graph: Graph
    clauses: dict[str, ClauseInfo]

    def clause(self, iri: str | None) -> ClauseInfo | None:
        """Return what is known of clause ``iri`` (just the IRI when the graph lacks it)."""
        if iri is None:
            return None
        return self.clauses.get(iri) or ClauseInfo(iri=iri)


def _short(text: str | None, limit: int = 200) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def _to_rdflib(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, Node):
        return term
    raise TypeError(f"not an RDF term: {term!r}")


def _build(
    fact_rows: Iterable[Mapping[str, object]], clause_rows: Iterable[Mapping[str, object]]
) -> KgFacts:
    graph = Graph(bind_namespaces="none")
    for row in fact_rows:
        s, p, o = (_to_rdflib(row.get(k)) for k in ("s", "p", "o"))
        if isinstance(s, URIRef | BNode) and isinstance(p, URIRef) and o is not None:
            graph.add((s, p, o))
    clauses: dict[str, ClauseInfo] = {}
    for row in clause_rows:
        iri = _to_rdflib(row.get("clause"))
        if not isinstance(iri, URIRef):
            continue
        text = {
            k: (str(v) if (v := _to_rdflib(row.get(k))) is not None else None)
            for k in ("label", "number", "instrument", "text", "description")
        }
        clauses[str(iri)] = ClauseInfo(
            iri=str(iri),
            label=text["label"],
            number=text["number"],
            instrument=text["instrument"],
            text=_short(text["text"] or text["description"]),
        )
    return KgFacts(graph=graph, clauses=clauses)


def facts_from_graph(kg: Graph) -> KgFacts:
    """Extract the facts and clause descriptions from an rdflib graph holding the KG.

    Raises:
        Exception: whatever rdflib raises on a broken graph (not expected for our files).
    """
    return _build(_rows(kg, "facts.rq"), _rows(kg, "clauses.rq"))


def _rows(kg: Graph, name: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for row in kg.query(_query(name)):
        if isinstance(row, ResultRow):
            rows.append({str(k): v for k, v in row.asdict().items()})
    return rows


def facts_from_store(store: KgStore) -> KgFacts:
    """Extract the facts and clause descriptions from the app's store.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    return _build(store.select(_query("facts.rq")), store.select(_query("clauses.rq")))


def _json_term(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)


def _json_rows(body: bytes) -> list[dict[str, object]]:
    document = json.loads(body)
    return [
        {name: _json_term(term) for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]


async def afacts_from_store(store: KgStore) -> KgFacts:
    """:func:`facts_from_store` for the HTTP routes: the store is awaited, never blocked on.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    rows = []
    for name in ("facts.rq", "clauses.rq"):
        _, body = await store.aquery_serialized(_query(name), ["application/sparql-results+json"])
        rows.append(_json_rows(body))
    return _build(rows[0], rows[1])


def _ox_rows(store: pyoxigraph.Store, name: str) -> list[dict[str, object]]:
    solutions = store.query(_query(name))
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    return [{n: solution[n] for n in names} for solution in solutions]


@cache
def load_kg_facts(root: Path | None = None) -> KgFacts:
    """Read the data files (products, regulations) once and return the facts rules need.

    The files are read with pyoxigraph (the same queries as on the store). The result is
    shared: never modify its graph.

    Raises:
        OSError: when a data file cannot be read (files not there are skipped).
        SyntaxError: when a data file is not valid Turtle.
    """
    data = (root or resource_root()) / "data"
    store = pyoxigraph.Store()
    for name in ("products.ttl", "regulations.ttl"):
        path = data / name
        if path.is_file():
            store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return _build(_ox_rows(store, "facts.rq"), _ox_rows(store, "clauses.rq"))
