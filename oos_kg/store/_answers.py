"""Read a remote store's answer to its end, refuse it unless it is whole, and make the answers of
different engines alike before anything of them is relayed.

A SELECT or ASK answer is asked for as SPARQL JSON and a graph as N-Triples, then parsed here to
the last byte: a document cut short, or followed by an error text (``oxigraph serve
--timeout-s`` appends "The SPARQL operation has been cancelled" to a 200 answer), fails the
parse and becomes :class:`~oos_kg.errors.IncompleteAnswer` or
:class:`~oos_kg.errors.RemoteTimeout`, never a shorter answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    RdfFormat,
    Triple,
    parse,
)

from oos_kg.errors import IncompleteAnswer, RemoteTimeout
from oos_kg.store.base import Bindings

__all__ = [
    "CANCELLED",
    "Solutions",
    "Term",
    "check_trailer",
    "read_graph",
    "read_results",
]

CANCELLED = b"The SPARQL operation has been cancelled"
"""What ``oxigraph serve --timeout-s`` writes after the partial answer of a cancelled query."""

Term = NamedNode | Literal | BlankNode

_BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL_BOOLEANS = {"1": "true", "0": "false"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DURATIONS = tuple(
    NamedNode(f"{_XSD}{name}") for name in ("duration", "dayTimeDuration", "yearMonthDuration")
)
_MONTHS = re.compile(r"-?[0-9]+")
_SECONDS = re.compile(r"-?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
_VIRTUOSO_ASK = "__ASK_RETVAL"


@dataclass(frozen=True, slots=True)
class Solutions:
    """The solutions of a SELECT, read whole: the variables in order and every row."""

    variables: tuple[str, ...]
    rows: list[Bindings]


def check_trailer(body: bytes) -> None:
    """Refuse a body that ends with an engine's cancellation text.

    Raises:
        RemoteTimeout: the engine cancelled the query at its own time limit.

    >>> check_trailer(b'{"head":{},"boolean":true}')
    """
    if body.rstrip().endswith(CANCELLED):
        raise RemoteTimeout(
            "the remote store stopped the query at its own time limit"
            f" ({CANCELLED.decode()}); nothing of its partial answer is shown"
        )


def _cut(exc: Exception) -> IncompleteAnswer:
    return IncompleteAnswer(
        f"the remote store's answer does not parse to its end ({exc}); nothing of it is shown"
    )


def _day_time(seconds: float) -> str:
    """An XSD duration of ``seconds`` in canonical form (``P2D``, ``PT1H30M``).

    >>> _day_time(172800.0), _day_time(5400.0), _day_time(0.0)
    ('P2D', 'PT1H30M', 'PT0S')
    """
    sign, left = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, left = divmod(left, 86400)
    hours, left = divmod(left, 3600)
    minutes, left = divmod(left, 60)
    time_part = "".join(
        f"{value:g}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (left, "S")) if value
    )
    text = (f"{days:g}D" if days else "") + (f"T{time_part}" if time_part else "")
    return f"{sign}P{text or 'T0S'}"


def _duration(term: Literal) -> Literal:
    """Virtuoso 7.2 keeps an xsd:duration as a number: months (``12`` for ``P1Y``) or seconds
    (``172800.0`` for ``PT48H``); write it back as a duration in canonical form."""
    value = term.value
    if _MONTHS.fullmatch(value):
        years, months = divmod(int(value), 12)
        text = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
        return Literal(f"P{text}", datatype=term.datatype)
    if _SECONDS.fullmatch(value):
        return Literal(_day_time(float(value)), datatype=term.datatype)
    return term


def _canonical(term: Term) -> Term:
    """The engines' terms written alike: Virtuoso writes xsd:boolean values as 1 and 0, and
    durations as numbers.

    >>> _canonical(Literal("1", datatype=_BOOLEAN)).value
    'true'
    >>> _canonical(Literal("172800.0", datatype=_DURATIONS[0])).value
    'P2D'
    """
    if not isinstance(term, Literal):
        return term
    if term.datatype == _BOOLEAN:
        canonical = _CANONICAL_BOOLEANS.get(term.value)
        if canonical is not None:
            return Literal(canonical, datatype=_BOOLEAN)
    elif term.datatype in _DURATIONS:
        return _duration(term)
    return term


_BLANK_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _blank(label: str) -> BlankNode:
    """A blank node for an engine's label; Virtuoso's ``nodeID://b10006`` is no valid label,
    so such a label is written in hexadecimal (one label, one node, as before).

    >>> _blank("b1").value, _blank("nodeID://b1").value
    ('b1', 'x6e6f646549443a2f2f6231')
    """
    if _BLANK_LABEL.fullmatch(label) and not label.endswith("."):
        return BlankNode(label)
    return BlankNode("x" + label.encode().hex())


def _term(value: object) -> Term:
    """A term of SPARQL JSON results.

    Raises:
        ValueError: not a term of SPARQL JSON results.
    """
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise ValueError(f"not an RDF term: {str(value)[:100]}")
    kind, text = value.get("type"), value["value"]
    if kind == "uri":
        return NamedNode(text)
    if kind == "bnode":
        return _blank(text)
    if kind not in ("literal", "typed-literal"):
        raise ValueError(f"unknown term type {kind!r}")
    if "xml:lang" in value:
        return Literal(text, language=value["xml:lang"])
    if "datatype" in value:
        return Literal(text, datatype=NamedNode(value["datatype"]))
    return Literal(text)


def _parse_results(body: bytes) -> tuple[tuple[str, ...], list[Bindings]] | bool:
    """Parse SPARQL JSON to its end (Python's JSON parser refuses a document cut short or
    followed by anything).

    Raises:
        IncompleteAnswer: the body does not parse to its end, or is not SPARQL JSON results.
    """
    try:
        document = json.loads(body)
        if isinstance(document.get("boolean"), bool):
            return bool(document["boolean"])
        variables = tuple(document["head"]["vars"])
        rows: list[Bindings] = [
            {name: _canonical(_term(term)) for name, term in solution.items()}
            for solution in document["results"]["bindings"]
        ]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _cut(exc) from None
    return variables, rows


def read_results(body: bytes, query: str, max_rows: int | None) -> Solutions | bool:
    """Parse SPARQL JSON results to the end and return the solutions or the boolean.

    Args:
        body: the answer as the store sent it.
        query: the query text (to tell Virtuoso's way of answering ASK from a SELECT).
        max_rows: the engine's result cap, if it has one: an answer with as many rows may
            have been cut at it.

    Raises:
        IncompleteAnswer: the body does not parse to its end, or reaches ``max_rows``.
        RemoteTimeout: the body ends with the engine's cancellation text.
    """
    check_trailer(body)
    parsed = _parse_results(body)
    if isinstance(parsed, bool):
        return parsed
    variables, rows = parsed
    if variables == (_VIRTUOSO_ASK,) and _VIRTUOSO_ASK not in query:
        # Virtuoso 7.2 answers ASK with one row binding 1 (true), or with no row (false)
        return any(row.get(_VIRTUOSO_ASK, Literal("0")).value not in ("0", "false") for row in rows)
    if max_rows is not None and len(rows) >= max_rows:
        raise IncompleteAnswer(
            f"the remote store answered {len(rows)} rows, its result cap"
            " (Virtuoso's ResultSetMaxRows, OOS_KG_REMOTE_MAX_ROWS): the answer may have been"
            " cut there; add a LIMIT below it or raise the cap"
        )
    return Solutions(variables, rows)


def read_graph(body: bytes, max_rows: int | None) -> list[Triple]:
    """Parse an N-Triples graph to the end and return its triples.

    Raises:
        IncompleteAnswer: the body does not parse to its end, or reaches ``max_rows``.
        RemoteTimeout: the body ends with the engine's cancellation text.
    """
    check_trailer(body)
    try:
        triples = [
            Triple(quad.subject, quad.predicate, _canonical(quad.object))
            for quad in parse(body, format=RdfFormat.N_TRIPLES)
        ]
    except (SyntaxError, ValueError) as exc:
        raise _cut(exc) from None
    if max_rows is not None and len(triples) >= max_rows:
        raise IncompleteAnswer(
            f"the remote store answered {len(triples)} triples, its result cap: the answer may"
            " have been cut there; add a LIMIT below it or raise the cap"
        )
    return triples
