"""The knowledge-graph facts some rules need, and what the graph says about each clause.

Both come from two SPARQL files (``queries/facts.rq``, ``queries/clauses.rq``), run either on
the app's store or on an rdflib graph of the data files, so the CLI and HTTP agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    "FrameworkInfo",
    "KgFacts",
    "ObligationInfo",
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
        instrument: the English label of its legal instrument. text: a short text (English).
        labels: its labels by language tag. texts: its verbatim text (``oos:clauseText``),
            else its description, shortened, by language tag.
    """

    iri: str
    label: str | None = None
    number: str | None = None
    instrument: str | None = None
    text: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    texts: tuple[tuple[str, str], ...] = ()

    def label_in(self, lang: str) -> str | None:
        """Return the label in ``lang``, else the English one.

        Raises:
            Nothing.
        """
        return dict(self.labels).get(lang) or self.label

    def text_in(self, lang: str) -> tuple[str | None, str | None]:
        """Return the text in ``lang`` and its language, else the English text and ``en``
        (a reader of another language is told it is English only), else ``(None, None)``.

        Raises:
            Nothing.
        """
        texts = dict(self.texts)
        if lang in texts:
            return texts[lang], lang
        if self.text:
            return self.text, "en"
        return None, None


@dataclass(frozen=True, slots=True)
class ObligationInfo:
    """What the graph says about an obligation, for the obligation statuses of a report.

    Attributes:
        iri: the obligation IRI. label: its English label. clause: the clause stating it.
        bearer: the role bearing it.
    """

    iri: str
    label: str | None = None
    clause: str | None = None
    bearer: str | None = None


@dataclass(frozen=True, slots=True)
class FrameworkInfo:
    """What the graph says about a regulatory framework: its label and whether it is in force.

    Attributes:
        iri: the framework IRI. label: its English label.
        in_force: ``oos:inForce`` when the graph says (False for a proposal), else None.
        codes: the validation codes it answers to (``oos:caseFramework``), when given.
    """

    iri: str
    label: str | None = None
    in_force: bool | None = None
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KgFacts:
    """Facts merged into every case graph, and what reports say of clauses, obligations and
    frameworks."""

    graph: Graph
    clauses: dict[str, ClauseInfo]
    obligations: dict[str, ObligationInfo] = field(default_factory=dict)
    frameworks: dict[str, FrameworkInfo] = field(default_factory=dict)

    def framework(self, code: str, iri: str | None = None) -> FrameworkInfo | None:
        """Return the framework that validation code ``code`` stands for: the one naming it
        with ``oos:caseFramework``, else the one with IRI ``iri``, else None.

        Raises:
            Nothing.
        """
        for info in self.frameworks.values():
            if code in info.codes:
                return info
        if iri is None:
            return None
        return self.frameworks.get(iri) or FrameworkInfo(iri=iri)

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


_QUERY_NAMES = ("facts.rq", "clauses.rq", "obligations.rq", "frameworks.rq", "clause-texts.rq")

_Rows = Iterable[Mapping[str, object]]


def _string(row: Mapping[str, object], key: str) -> str | None:
    value = _to_rdflib(row.get(key))
    return str(value) if value is not None else None


def _build(
    fact_rows: _Rows,
    clause_rows: _Rows,
    obligation_rows: _Rows = (),
    framework_rows: _Rows = (),
    clause_text_rows: _Rows = (),
) -> KgFacts:
    graph = Graph(bind_namespaces="none")
    for row in fact_rows:
        s, p, o = (_to_rdflib(row.get(k)) for k in ("s", "p", "o"))
        if isinstance(s, URIRef | BNode) and isinstance(p, URIRef) and o is not None:
            graph.add((s, p, o))
    by_lang: dict[tuple[str, str], dict[str, str]] = {}
    for row in clause_text_rows:
        kind, written = _string(row, "kind"), _to_rdflib(row.get("text"))
        if isinstance(written, Literal) and kind:
            key = (_string(row, "clause") or "", kind)
            by_lang.setdefault(key, {}).setdefault(written.language or "en", str(written))
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
            labels=tuple(sorted(by_lang.get((str(iri), "label"), {}).items())),
            texts=tuple(
                sorted(
                    (lang, _short(value) or "")
                    for lang, value in {
                        **by_lang.get((str(iri), "description"), {}),
                        **by_lang.get((str(iri), "text"), {}),
                    }.items()
                )
            ),
        )
    obligations = {
        ob: ObligationInfo(
            ob, _string(row, "label"), _string(row, "clause"), _string(row, "bearer")
        )
        for row in obligation_rows
        if (ob := _string(row, "obligation"))
    }
    frameworks: dict[str, FrameworkInfo] = {}
    for row in framework_rows:
        framework = _string(row, "framework")
        if not framework:
            continue
        flag = _to_rdflib(row.get("inForce"))
        in_force = flag.toPython() if isinstance(flag, Literal) else None
        known = frameworks.get(framework)
        code_text = _string(row, "code")
        frameworks[framework] = FrameworkInfo(
            framework,
            _string(row, "label") or (known.label if known else None),
            in_force if isinstance(in_force, bool) else (known.in_force if known else None),
            tuple(sorted({*(known.codes if known else ()), *([code_text] if code_text else [])})),
        )
    return KgFacts(graph=graph, clauses=clauses, obligations=obligations, frameworks=frameworks)


def facts_from_graph(kg: Graph) -> KgFacts:
    """Extract the facts and clause descriptions from an rdflib graph holding the KG.

    Raises:
        Exception: whatever rdflib raises on a broken graph (not expected for our files).
    """
    return _build(*(_rows(kg, name) for name in _QUERY_NAMES))


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
    return _build(*(store.select(_query(name)) for name in _QUERY_NAMES))


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
    for name in _QUERY_NAMES:
        _, body = await store.aquery_serialized(_query(name), ["application/sparql-results+json"])
        rows.append(_json_rows(body))
    return _build(*rows)


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
    return _build(*(_ox_rows(store, name) for name in _QUERY_NAMES))
