"""A submitted case version: parsed without network access, checked, and written as SPARQL
terms (N-Triples syntax, which SPARQL Update templates accept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from oos_kg.errors import InputError, PayloadTooLarge
from oos_kg.namespaces import OOS
from oos_kg.registry._vocab import CASE_BASE, REG
from oos_kg.validation import parse_untrusted

__all__ = ["MAX_LITERAL_CHARS", "CaseContent", "parse_content", "sparql_datetime"]

MAX_LITERAL_CHARS = 10_000
"""The longest literal a case may hold (a rationale runs to a few hundred characters)."""

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CASE_CLASS = ox.NamedNode(str(OOS.OosProvisionCase))
_PRODUCT = ox.NamedNode(str(OOS.caseProduct))
_SUPPLIED = ox.NamedNode(str(OOS.suppliedAt))
_ADMINISTERED = ox.NamedNode(str(OOS.administeredAt))
_BATCH = ox.NamedNode(str(OOS.caseBatch))
_RESULT = ox.NamedNode(str(OOS.testResult))
_PASSED = ox.NamedNode(str(OOS.passed))
_KIND = ox.NamedNode(str(OOS.testKind))
_FALSE = ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True, slots=True)
class CaseContent:
    """One case version's triples and what the registry indexes of them.

    Attributes:
        quads: the triples (default graph), blank nodes fresh.
        parsed: what the validators take (the same triples).
        ntriples: the triples as N-Triples lines (also valid SPARQL template text).
        products: IRIs of ``oos:caseProduct``. supplied_at: ``oos:suppliedAt`` as UTC.
        doses: how many times the case records ``oos:administeredAt`` (one per dose given);
            ``administered`` is whether there is one.
        failed_tests: the ``oos:testKind`` of each batch test result with ``oos:passed false``.
    """

    quads: tuple[ox.Quad, ...]
    parsed: Graph | list[ox.Quad]
    ntriples: str
    products: tuple[str, ...]
    supplied_at: datetime | None
    doses: int = 0
    failed_tests: tuple[str, ...] = ()

    @property
    def administered(self) -> bool:
        """Whether the case records an administration."""
        return self.doses > 0

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle as the N-Triples text (parsed again by Oxigraph on the other side): a
        tenth of the time of pickling each quad."""
        fields = (self.products, self.supplied_at, self.doses, self.failed_tests)
        return _from_ntriples, (self.ntriples, *fields)


def _from_ntriples(
    text: str,
    products: tuple[str, ...],
    supplied_at: datetime | None,
    doses: int,
    failed_tests: tuple[str, ...],
) -> CaseContent:
    quads = tuple(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return CaseContent(quads, list(quads), text, products, supplied_at, doses, failed_tests)


def _from_rdflib(graph: Graph) -> list[ox.Quad]:
    blanks: dict[Node, ox.BlankNode] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, BNode):
            return blanks.setdefault(node, ox.BlankNode())
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            dt = node.datatype
            return ox.Literal(str(node), datatype=ox.NamedNode(str(dt)) if dt else None)
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        raise InputError(f"unsupported term {node!r}")

    try:
        return [ox.Quad(term(s), term(p), term(o)) for s, p, o in graph]  # type: ignore[arg-type]
    except ValueError as exc:  # an IRI or language tag Oxigraph refuses
        raise InputError(f"the case holds a term that is not valid RDF: {exc}") from None


def _check_term(term: object) -> None:
    if isinstance(term, ox.NamedNode):
        if term.value.startswith((CASE_BASE, REG)):
            raise InputError(
                f"<{term.value}>: a case may not use the registry's own IRIs "
                f"({CASE_BASE}..., {REG}...)"
            )
    elif isinstance(term, ox.Literal):
        if len(term.value) > MAX_LITERAL_CHARS:
            raise PayloadTooLarge(
                f"a literal of {len(term.value)} characters; a case's literals hold at most "
                f"{MAX_LITERAL_CHARS}"
            )


def _as_utc(literal: ox.Literal) -> datetime | None:
    text = literal.value
    try:
        if literal.datatype.value == f"{_XSD}date":
            return datetime.fromisoformat(text[:10]).replace(tzinfo=UTC)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sparql_datetime(value: datetime) -> str:
    """Return ``value`` (UTC) as an ``xsd:dateTime`` SPARQL literal.

    >>> sparql_datetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    '"2026-01-02T03:04:05Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    """
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return f'"{text}Z"^^<{_XSD}dateTime>'


def parse_content(body: bytes, input_format: str) -> CaseContent:
    """Parse and check one submitted case version.

    Refused (nothing stored): bad syntax, remote JSON-LD contexts and DTDs (as
    ``/validate``), more triples than a case may hold, a literal over
    :data:`MAX_LITERAL_CHARS`, the registry's own IRIs, and anything but exactly one
    ``oos:OosProvisionCase``.

    Raises:
        RdfSyntaxError, UnsupportedMediaType, PayloadTooLarge, InputError.
    """
    parsed = parse_untrusted(body, input_format, fresh_blank_nodes=True)
    quads = _from_rdflib(parsed) if isinstance(parsed, Graph) else list(parsed)
    cases = set()
    products: list[str] = []
    supplied: datetime | None = None
    for term in {t for q in quads for t in (q.subject, q.predicate, q.object)}:
        _check_term(term)  # each distinct term once
    lines = []
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        if predicate == _RDF_TYPE and obj == _CASE_CLASS:
            cases.add(subject)
        lines.append(f"{subject} {predicate} {obj} .")
    if len(cases) != 1:
        raise InputError(
            f"a submission holds exactly one oos:OosProvisionCase; this one holds {len(cases)}"
        )
    (case,) = cases
    for quad in quads:
        if quad.subject != case:
            continue
        if quad.predicate == _PRODUCT and isinstance(quad.object, ox.NamedNode):
            products.append(quad.object.value)
        elif quad.predicate == _SUPPLIED and isinstance(quad.object, ox.Literal):
            supplied = _as_utc(quad.object) or supplied
    if not isinstance(parsed, Graph):
        parsed = quads  # the validators read the triples of any graph as the default graph
    return CaseContent(
        quads=tuple(quads),
        parsed=parsed,
        ntriples="\n".join(lines),
        products=tuple(sorted(set(products))),
        supplied_at=supplied,
        doses=sum(q.subject == case and q.predicate == _ADMINISTERED for q in quads),
        failed_tests=_failed_tests(quads, case),
    )


def _failed_tests(quads: list[ox.Quad], case: object) -> tuple[str, ...]:
    """The test kinds of the case's batch results that did not pass."""
    by_subject: dict[object, list[ox.Quad]] = {}
    for quad in quads:
        by_subject.setdefault(quad.subject, []).append(quad)
    batches = [q.object for q in by_subject.get(case, []) if q.predicate == _BATCH]
    results = [q.object for b in batches for q in by_subject.get(b, []) if q.predicate == _RESULT]
    kinds: set[str] = set()
    for result in results:
        facts = by_subject.get(result, [])
        if any(q.predicate == _PASSED and q.object == _FALSE for q in facts):
            kinds.update(
                q.object.value
                for q in facts
                if q.predicate == _KIND and isinstance(q.object, ox.NamedNode)
            )
    return tuple(sorted(kinds))
