"""Turn SPARQL JSON results (from a worker or a remote server) into Python values."""

from __future__ import annotations

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, parse_query_results

from oos_kg.errors import QueryError, StoreError
from oos_kg.store.base import Bindings

__all__ = ["parse_ask", "parse_graph_sizes", "parse_select"]


def _parse(body: bytes) -> QuerySolutions | QueryBoolean:
    try:
        return parse_query_results(body, format=QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"the store answered with unreadable SPARQL JSON: {exc}") from None


def parse_select(body: bytes) -> list[Bindings]:
    """Return the solutions of SPARQL JSON SELECT results.

    Raises:
        QueryError: the results are a boolean (an ASK was sent to select()).
        StoreError: the body is not SPARQL JSON.
    """
    result = _parse(body)
    if isinstance(result, QueryBoolean):
        raise QueryError("select() got an ASK query")
    names = [v.value for v in result.variables]
    rows: list[Bindings] = []
    for solution in result:
        row: Bindings = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        rows.append(row)
    return rows


def parse_ask(body: bytes) -> bool:
    """Return the boolean of SPARQL JSON ASK results.

    Raises:
        QueryError: the results are solutions (a SELECT was sent to ask()).
        StoreError: the body is not SPARQL JSON.
    """
    result = _parse(body)
    if not isinstance(result, QueryBoolean):
        raise QueryError("ask() got a SELECT query")
    return bool(result)


def parse_graph_sizes(body: bytes) -> dict[str, int]:
    """Return graph IRI -> size from the results of ``GRAPH_SIZES_QUERY``.

    Raises:
        StoreError: the body is not SPARQL JSON.
    """
    return {row["g"].value: int(row["n"].value) for row in parse_select(body)}
