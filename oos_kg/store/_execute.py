"""Run SPARQL on a pyoxigraph ``Store`` and serialise the answer (shared by the in-memory
store and the query worker processes of the embedded store)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
)

from oos_kg.errors import NotAcceptable, QueryError
from oos_kg.sparql.guard import (
    QueryCheck,
    check_dataset_iris,
    check_query,
    check_update,
    is_update,
)
from oos_kg.sparql.negotiation import GRAPH_TYPES, RESULTS_TYPES
from oos_kg.store.base import Bindings

__all__ = [
    "GRAPH_SIZES_QUERY",
    "Serialized",
    "ask_trusted",
    "run_query",
    "run_update",
    "select_trusted",
]

GRAPH_SIZES_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

Serialized = tuple[str, bytes]
"""A media type and the bytes of a result in it."""

_RESULTS_FORMATS = {media: QueryResultsFormat.from_media_type(media) for media in RESULTS_TYPES}
_GRAPH_FORMATS = {media: RdfFormat.from_media_type(media) for media in GRAPH_TYPES}


def _syntax_error(exc: SyntaxError, text: str, what: str) -> QueryError:
    if what == "query" and is_update(text):
        return QueryError(
            "this is a SPARQL Update; send it to /sparql/update, not the query operation"
        )
    return QueryError(f"malformed {what}: {exc}")


def _serialize(result: object, media_types: Sequence[str]) -> Serialized:
    table: dict[str, Any]
    if isinstance(result, QuerySolutions | QueryBoolean):
        table, form = _RESULTS_FORMATS, "SELECT/ASK"
    else:
        table, form = _GRAPH_FORMATS, "CONSTRUCT/DESCRIBE"
    for media in media_types:
        fmt = table.get(media)
        if fmt is not None:
            return media, result.serialize(format=fmt) or b""  # type: ignore[attr-defined]
    raise NotAcceptable(
        f"{form} results can be had as {', '.join(table)}; the request accepts none of them"
    )


_CACHED_TEXT_CHARS = 16_384


@lru_cache(maxsize=256)
def _check_cached(text: str, allowed_hosts: tuple[str, ...]) -> QueryCheck:
    return check_query(text, allowed_hosts)


def _check(text: str, allowed_hosts: tuple[str, ...]) -> QueryCheck:
    """:func:`check_query`, remembered for short texts: a text holding one of the guard's
    trigger words (FROM, SERVICE... even in a comment) costs a full parse, milliseconds.

    Raises:
        QueryError: as :func:`check_query` (refusals are not remembered).
    """
    if len(text) > _CACHED_TEXT_CHARS:
        return check_query(text, allowed_hosts)
    return _check_cached(text, allowed_hosts)


def run_query(
    store: Store,
    text: str,
    media_types: Sequence[str],
    *,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    allowed_hosts: Sequence[str] = (),
) -> Serialized:
    """Check and run an untrusted query; the default graph is the union of the named graphs.

    Args:
        store: the store to query.
        text: the query.
        media_types: acceptable result types, best first.
        default_graph_uris: the protocol's ``default-graph-uri`` values.
        named_graph_uris: the protocol's ``named-graph-uri`` values.
        allowed_hosts: hosts SERVICE and FROM may name.

    Returns:
        The chosen media type and the serialised result.

    Raises:
        QueryError: malformed or refused. NotAcceptable: no acceptable type fits the form.
    """
    check_dataset_iris((*default_graph_uris, *named_graph_uris), allowed_hosts)
    checked = _check(text, tuple(allowed_hosts))
    try:
        if default_graph_uris or named_graph_uris:
            # the protocol's dataset replaces the query's FROM and FROM NAMED as a whole: a
            # parameter left out means no such graphs, not "keep the query's or the store's"
            result = store.query(
                text,
                default_graph=[NamedNode(i) for i in default_graph_uris],
                named_graphs=[NamedNode(i) for i in named_graph_uris],
            )
        else:
            result = store.query(text, use_default_graph_as_union=not checked.has_dataset)
        try:
            return _serialize(result, media_types)
        finally:
            # dropped here, in the calling thread: a frame kept alive by a reference cycle
            # (the parser's) would otherwise drop it on whichever thread collects the cycle,
            # and pyoxigraph refuses that
            del result
    except SyntaxError as exc:
        raise _syntax_error(exc, text, "query") from None
    except ValueError as exc:
        raise QueryError(f"malformed query: {exc}") from None


def _trusted_result(store: Store, text: str) -> object:
    try:
        return store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None


def select_trusted(store: Store, text: str) -> list[Bindings]:
    """Run a SELECT the code wrote (no refusal check) and return its solutions.

    The results object is created, read and dropped here, in the calling thread (pyoxigraph
    warns when one is dropped on another thread).

    Raises:
        QueryError: malformed query, or not a SELECT (a bug in the caller).
    """
    result = _trusted_result(store, text)
    if not isinstance(result, QuerySolutions):
        del result
        raise QueryError("select() takes SELECT queries only")
    names = [variable.value for variable in result.variables]
    rows: list[Bindings] = [dict(zip(names, solution, strict=True)) for solution in result]
    del result
    for index, row in enumerate(rows):
        if None in row.values():  # unbound in this solution: absent, not None
            rows[index] = {name: term for name, term in row.items() if term is not None}
    return rows


def ask_trusted(store: Store, text: str) -> bool:
    """Run an ASK the code wrote (no refusal check) and return its answer.

    Raises:
        QueryError: malformed query, or not an ASK (a bug in the caller).
    """
    result = _trusted_result(store, text)
    if not isinstance(result, QueryBoolean):
        del result
        raise QueryError("ask() takes ASK queries only")
    return bool(result)


def run_update(store: Store, text: str, allowed_hosts: Sequence[str] = ()) -> None:
    """Check and run an untrusted update (pyoxigraph applies it all or nothing).

    Raises:
        QueryError: malformed or refused, or an operation SPARQL Update says fails
            (``CREATE`` of a graph that exists, ``DROP`` of one that does not, without
            ``SILENT``): the caller's mistake, not the store's.
    """
    check_update(text, allowed_hosts)
    try:
        store.update(text)
    except SyntaxError as exc:
        raise _syntax_error(exc, text, "update") from None
    except RuntimeError as exc:  # pyoxigraph's evaluation errors; storage errors are OSError
        raise QueryError(f"the update failed, nothing was changed: {exc}") from None
