"""The root queries (``queries/*.rq``), trimmed to a request and its values bound as terms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from oos_kg.errors import QueryError
from oos_kg.namespaces import OOS

__all__ = ["Bound", "Term", "bind", "iri", "query_text", "term"]

QUERY_DIR = Path(__file__).resolve().parent / "queries"

Term = NamedNode | Literal | BlankNode
Bound = Term | Iterable[Term] | None
"""What one placeholder takes: a term, several (one row each), or ``None`` (``UNDEF``)."""

XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")
_PLACEHOLDER = re.compile(r"VALUES\s+\?([A-Za-z_][A-Za-z0-9_]*)\s*\{\s*\}")
_WHEN = re.compile(r"\s*#\s*when\s+\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*$")


@cache
def _specialised(name: str, wanted: frozenset[str]) -> str:
    lines = []
    for line in (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8").splitlines():
        found = _WHEN.search(line)
        if found is None:
            lines.append(line)
        elif found["name"] in wanted:
            lines.append(line[: found.start()])
    return "\n".join(lines) + "\n"


def term(value: Any) -> Bound:
    """The term(s) of an argument's value: ``None`` for none or empty text, a concept's IRI
    for an enum member (a framework code as text), a typed date, a literal; one a list item.

    >>> from graphql_api.types.vocabulary import JurisdictionCode
    >>> print(*term([JurisdictionCode.JP, dt.date(2021, 1, 2)]))
    "JP" "2021-01-02"^^<http://www.w3.org/2001/XMLSchema#date>
    """
    if value is None or value == "":
        return None
    return [_term(v) for v in value] if isinstance(value, list) else _term(value)


def _term(value: Any) -> Term:
    if isinstance(value, NamedNode | Literal | BlankNode):
        return value
    if isinstance(value, Enum):  # a concept (an ontology IRI) or a framework code
        concept = value.value.startswith(OOS)
        return NamedNode(value.value) if concept else Literal(value.value)
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD_DATE)
    return Literal(value)


def query_text(name: str, values: Mapping[str, Any], asked: Iterable[str] = ()) -> str:
    """``queries/<name>.rq`` with its placeholders (empty ``VALUES ?name { }`` blocks) filled
    by the :func:`term` of ``values`` (``None``: ``UNDEF``), a line ending in ``# when ?x``
    kept only when ``x`` is bound or ``asked``.

    >>> print(query_text("frameworks", {"code": None}).splitlines()[-4].strip())
    VALUES ?code { UNDEF }

    Raises:
        FileNotFoundError: when there is no such query (a programming error).
    """
    bound = {k: term(v) for k, v in values.items()}
    given = {k for k, v in bound.items() if v is not None}
    return bind(_specialised(name, frozenset(given.union(asked))), bound)


def bind(text: str, values: Mapping[str, Bound]) -> str:
    """``text`` with the placeholder of each of ``values`` filled (others left empty).

    >>> bind("SELECT * { VALUES ?t { } }", {"t": Literal('say "hi"')})
    'SELECT * { VALUES ?t { "say \\\\"hi\\\\"" } }'
    """

    def fill(match: re.Match[str]) -> str:
        if (name := match.group(1)) not in values:
            return match.group(0)
        bound = values[name]
        if isinstance(bound, NamedNode | Literal | BlankNode):
            bound = [bound]
        terms = "UNDEF" if bound is None else " ".join(map(str, bound))
        return f"VALUES ?{name} {{ {terms} }}"

    return _PLACEHOLDER.sub(fill, text)


def iri(text: str) -> NamedNode:
    """Return ``text`` as an IRI term, refusing anything that is not a valid absolute IRI.

    Raises:
        QueryError: when ``text`` is not an IRI.
    """
    try:
        return NamedNode(text)
    except ValueError as error:
        raise QueryError(f"not a valid IRI: {text!r} ({error})") from None
