"""Refusal rules for untrusted SPARQL: no SERVICE, LOAD or dataset IRIs outside our graphs.

pyoxigraph runs ``SERVICE`` and ``LOAD`` over HTTP with no switch to stop it, so every query and
update from outside is checked here before a store sees it. The check parses with rdflib's SPARQL
grammar and walks the parse tree; it never matches keywords with regular expressions. Parsing
costs milliseconds, so a sound fast path skips it: a text that contains none of the words
``SERVICE``, ``LOAD``, ``FROM`` and ``USING`` in any letter case, and no ``\\u`` escape that
could spell them, cannot hold those clauses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from oos_kg.errors import QueryError
from oos_kg.namespaces import GRAPH

__all__ = [
    "MAX_DEPTH",
    "QueryCheck",
    "check_dataset_iris",
    "check_depth",
    "check_query",
    "check_update",
    "is_update",
]

_TRIGGERS = ("service", "load", "from", "using")
MAX_DEPTH = 256
"""Deepest bracket nesting accepted; far deeper text overflows the parsers' stacks."""


@dataclass(frozen=True, slots=True)
class QueryCheck:
    """What the check learned about an accepted query.

    Attributes:
        has_dataset: the query names its own dataset (``FROM`` / ``FROM NAMED``), so the
            store must not replace its default graph with the union of the named graphs.
        dataset: the graph IRIs its ``FROM`` and ``FROM NAMED`` clauses name (the case
            registry checks them against the graphs a caller may read).
    """

    has_dataset: bool
    dataset: tuple[str, ...] = field(default=(), repr=False)


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse text whose ``{ ( [`` brackets nest deeper than ``limit``.

    Brackets inside string literals are counted too: an over-estimate that only matters for
    texts no person writes.

    Raises:
        QueryError: naming the limit.

    >>> check_depth("SELECT * { { ?s ?p ?o } }")
    """
    opening = text.count("{") + text.count("(") + text.count("[")
    if opening <= limit:
        return
    depth = 0
    for char in text:
        if char in "{([":
            depth += 1
            if depth > limit:
                raise QueryError(f"brackets nest deeper than {limit} levels")
        elif char in "})]":
            depth -= 1


def _needs_parse(text: str) -> bool:
    lowered = text.lower()
    return "\\u" in lowered or any(word in lowered for word in _TRIGGERS)


def _allowed(iri: str, allowed_hosts: Sequence[str]) -> bool:
    if iri.startswith(str(GRAPH)):
        return True
    host = urlsplit(iri).hostname
    return host is not None and host.lower() in {h.lower() for h in allowed_hosts}


def check_dataset_iris(iris: Iterable[str], allowed_hosts: Sequence[str]) -> None:
    """Refuse dataset IRIs (``FROM``, ``default-graph-uri``...) that are not ours.

    Args:
        iris: graph IRIs named by the request.
        allowed_hosts: hosts an operator allowed in ``OOS_KG_ALLOWED_HOSTS``.

    Raises:
        QueryError: naming the first IRI outside the store's graphs and the allowed hosts.
    """
    for iri in iris:
        if not _allowed(iri, allowed_hosts):
            raise QueryError(
                f"graph <{iri}> is not one of this service's graphs ({GRAPH}...);"
                " remote datasets are refused"
            )


def _walk(node: object) -> Iterator[object]:
    """Yield every node of an rdflib parse tree (CompValue, ParseResults, lists)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[object] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, ParseResults | list | tuple):
            stack.extend(current)


def _resolve(term: object, prologue: object) -> str | None:
    """Return the IRI a parse-tree term denotes, or None for a variable."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, CompValue) and term.name == "pname":
        return str(prologue.absolutize(term))  # type: ignore[attr-defined]
    return None


def _parse_error(exc: Exception, what: str) -> QueryError:
    if isinstance(exc, RecursionError):
        return QueryError(f"{what} is nested too deeply to parse")
    return QueryError(f"malformed {what}: {exc}")


def _check_tree(
    tree: object, prologue: object, allowed_hosts: Sequence[str]
) -> tuple[bool, tuple[str, ...]]:
    """Refuse SERVICE and LOAD; return whether a dataset clause was seen, and its IRIs."""
    from rdflib.plugins.sparql.parserutils import CompValue

    has_dataset = False
    named: list[str] = []
    for node in _walk(tree):
        if not isinstance(node, CompValue):
            continue
        if node.name == "ServiceGraphPattern":
            iri = _resolve(node.get("term"), prologue)
            if iri is None or not _allowed(iri, allowed_hosts):
                raise QueryError(
                    f"SERVICE {'<' + iri + '>' if iri else 'with a variable'} is refused:"
                    " federated queries are off unless OOS_KG_ALLOWED_HOSTS names the host"
                )
        elif node.name == "Load":
            iri = _resolve(node.get("iri"), prologue)
            if iri is None or not _allowed(iri, allowed_hosts):
                raise QueryError(
                    f"LOAD <{iri}> is refused: loading from the web is off unless"
                    " OOS_KG_ALLOWED_HOSTS names the host"
                )
        elif node.name in ("DatasetClause", "UsingClause"):  # FROM, and USING in updates
            has_dataset = True
            for key in ("default", "named"):
                iri = _resolve(node.get(key), prologue)
                if iri is not None:
                    check_dataset_iris([iri], allowed_hosts)
                    named.append(iri)
    return has_dataset, tuple(named)


def check_query(text: str, allowed_hosts: Sequence[str] = ()) -> QueryCheck:
    """Check an untrusted SPARQL query before any store runs it.

    Args:
        text: the query.
        allowed_hosts: hosts whose IRIs SERVICE and FROM may name.

    Returns:
        What the store needs to know to run the query.

    Raises:
        QueryError: a SERVICE, or a FROM of a foreign graph; or a text the check cannot parse
            (the message says whether it is an update sent to the query operation).

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    QueryCheck(has_dataset=False)
    >>> check_query("SELECT * { SERVICE <http://x.example/> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    oos_kg.errors.QueryError: SERVICE <http://x.example/> is refused: ...
    """
    check_depth(text)
    if not _needs_parse(text):
        return QueryCheck(has_dataset=False)
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
        prologue = translatePrologue(tree[0], None)
    except Exception as exc:  # pyparsing and rdflib raise many kinds
        if is_update(text):
            raise QueryError(
                "this is a SPARQL Update; send it to /sparql/update, not the query operation"
            ) from None
        raise _parse_error(exc, "query") from None
    has_dataset, dataset = _check_tree(tree[1], prologue, allowed_hosts)
    return QueryCheck(has_dataset=has_dataset, dataset=dataset)


def is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL Update (to explain a query-operation error).

    >>> is_update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    True
    """
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # any failure means: not an update either
        return False
    return True


def check_update(text: str, allowed_hosts: Sequence[str] = ()) -> None:
    """Check an untrusted SPARQL Update (refuse LOAD from the web and SERVICE).

    Args:
        text: the update.
        allowed_hosts: hosts whose IRIs LOAD and SERVICE may name.

    Raises:
        QueryError: a refused operation, or a text that does not parse as an update.
    """
    check_depth(text)
    if not _needs_parse(text):
        return
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        tree = parseUpdate(text)
        prologues = [translatePrologue(p, None) for p in tree["prologue"]]
    except Exception as exc:  # pyparsing and rdflib raise many kinds
        raise _parse_error(exc, "update") from None
    requests = tree["request"] if "request" in tree else ()  # none: an empty update, a no-op
    for index, request in enumerate(requests):
        prologue = prologues[min(index, len(prologues) - 1)]
        _check_tree(request, prologue, allowed_hosts)
