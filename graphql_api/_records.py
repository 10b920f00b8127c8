"""Records: the fields of one resource as read by a type query, and the loaders that batch them.

Each type query (``queries/<type>.rq``) answers ``(?s ?key ?value)`` rows for every IRI bound to
``?s``; a :class:`Record` holds the rows of one ``?s``. One loader per type batches every IRI
asked for on one level of a GraphQL request into one SPARQL query (no N+1, no loader per field).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from pyoxigraph import Literal, NamedNode
from strawberry.dataloader import DataLoader

from graphql_api._sparql import (
    Bound,
    Term,
    bind,
    placeholders,
    record_query,
    specialise,
    union_of,
)
from oos_kg.store.base import Bindings, KgStore

__all__ = [
    "Filters",
    "Record",
    "RecordLoaders",
    "StoreRunner",
    "fetched_keys",
    "in_hours",
    "kept_records",
    "make_record",
    "named_text",
    "selects_in_process",
]

_DURATION = re.compile(
    r"(?P<sign>-?)P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def in_hours(duration: str) -> str:
    """Write a day-time ``xsd:duration`` in hours, as deadlines are stated.

    Stores may hand back a duration in canonical form ("P2D" for "PT48H"); deadlines read better
    in hours, and the two are the same value. Durations with years or months stay as they are.

    >>> in_hours("P2D"), in_hours("PT48H"), in_hours("P1DT30M"), in_hours("P1M"), in_hours("x")
    ('PT48H', 'PT48H', 'PT24H30M', 'P1M', 'x')
    """
    match = _DURATION.fullmatch(duration)
    if not match or match["Y"] or match["M"]:
        return duration
    hours = int(match["D"] or 0) * 24 + int(match["h"] or 0)
    minutes, seconds = int(match["m"] or 0), Decimal(match["s"] or 0)
    text = f"{hours}H" if hours else ""
    text += f"{minutes}M" if minutes else ""
    text += f"{format(seconds.normalize(), 'f')}S" if seconds else ""
    return f"{match['sign']}PT{text or '0S'}"


@dataclass(frozen=True, slots=True)
class Record:
    """The values of one resource, by key, as its type query returned them."""

    iri: str
    values: dict[str, tuple[Term, ...]] = field(default_factory=dict)

    def terms(self, key: str) -> tuple[Term, ...]:
        """Return every value of ``key``, sorted by their text (as :func:`make_record` sorts)."""
        return self.values.get(key, ())

    def text(self, key: str) -> str | None:
        """Return the first value of ``key`` as text, or ``None``."""
        terms = self.values.get(key)
        return terms[0].value if terms else None

    def texts(self, key: str) -> list[str]:
        """Return every value of ``key`` as text, sorted, without duplicates."""
        terms = self.values.get(key)
        if not terms:
            return []
        if len(terms) == 1:  # most keys: nothing to sort
            return [terms[0].value]
        return sorted({term.value for term in terms})

    def links(self, key: str) -> list[str]:
        """Return the IRIs among the values of ``key``, sorted, without duplicates."""
        terms = self.values.get(key)
        if not terms:
            return []
        if len(terms) == 1:
            return [terms[0].value] if isinstance(terms[0], NamedNode) else []
        return sorted({term.value for term in terms if isinstance(term, NamedNode)})

    def link(self, key: str) -> str | None:
        """Return the first IRI value of ``key``, or ``None``."""
        terms = self.values.get(key)
        if not terms:
            return None
        if len(terms) == 1:
            return terms[0].value if isinstance(terms[0], NamedNode) else None
        iris = self.links(key)
        return iris[0] if iris else None

    def in_language(self, key: str, lang: str | None) -> str | None:
        """Return the value of ``key`` tagged ``lang`` (any value when ``lang`` is ``None``)."""
        for term in self.terms(key):
            if isinstance(term, Literal) and (lang is None or term.language == lang):
                return term.value
        return None

    def integer(self, key: str) -> int | None:
        """Return the first value of ``key`` as an integer, or ``None`` when absent or not one."""
        text = self.text(key)
        try:
            return int(text) if text is not None else None
        except ValueError:
            return None

    def number(self, key: str) -> float | None:
        """Return the first value of ``key`` as a float, or ``None`` when absent or not a number."""
        text = self.text(key)
        try:
            return float(Decimal(text)) if text is not None else None
        except InvalidOperation:
            return None

    def date(self, key: str) -> dt.date | None:
        """Return the first value of ``key`` as a date, or ``None`` when absent or partial."""
        text = self.text(key)
        try:
            return dt.date.fromisoformat(text) if text is not None else None
        except ValueError:
            return None


def _in_order(terms: list[Term]) -> tuple[Term, ...]:
    """``terms`` without duplicates, sorted by text (then by their N-Triples form)."""
    if len(terms) == 1:  # most keys: nothing to sort, and no term to serialise
        return (terms[0],)
    return tuple(sorted(set(terms), key=lambda term: (term.value, str(term))))


def make_record(iri: str, values: dict[str, list[Term]]) -> Record:
    """Return the record of ``iri`` with each key's values sorted by text, duplicates dropped."""
    return Record(iri, {key: _in_order(terms) for key, terms in values.items()})


class StoreRunner:
    """Runs the GraphQL layer's SELECT queries on a :class:`KgStore` through its trusted
    :meth:`~oos_kg.store.base.KgStore.select` (the texts are ours; user values reach them only
    as terms bound by :func:`~graphql_api._sparql.bind`).

    A store whose ``select`` answers in this process (:func:`selects_in_process`) is called
    directly on the event loop: a thread hop would cost more than most of our queries, and
    pyoxigraph holds the GIL while it evaluates anyway. Any other store (a remote server) is
    awaited through its ``aselect``, with at most ``gate`` GraphQL queries in flight.
    """

    def __init__(
        self, store: KgStore, timeout_s: float, gate: asyncio.Semaphore | None = None
    ) -> None:
        self._store = store
        self._timeout_s = timeout_s
        self._gate = gate
        self._inline = selects_in_process(store)

    @property
    def store(self) -> KgStore:
        """The store the queries run on."""
        return self._store

    def data_version(self) -> str | None:
        """The store's :meth:`~oos_kg.store.base.KgStore.data_version`; ``None`` for a store
        written without one (nothing is kept for it)."""
        named = getattr(self._store, "data_version", None)
        return named() if named is not None else None

    async def select(self, query: str) -> list[Bindings]:
        """Run ``query`` and return its solutions.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
        """
        if self._inline:
            return self._store.select(query, timeout_s=self._timeout_s)
        if self._gate is None:
            return await self._store.aselect(query, timeout_s=self._timeout_s)
        async with self._gate:
            return await self._store.aselect(query, timeout_s=self._timeout_s)

    async def select_named(
        self, name: str, values: Mapping[str, Bound], selected: Iterable[str] = ()
    ) -> list[Bindings]:
        """Run ``queries/<name>.rq`` specialised to ``values`` and ``selected``, values bound.

        Lines tagged ``# when ?x`` stay when ``x`` has a value (not ``None``) or is in
        ``selected`` (see :func:`~graphql_api._sparql.specialise`); ``None`` for a placeholder
        that stays binds ``UNDEF``.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as :meth:`select`.
        """
        return await self.select(named_text(name, values, selected))


def named_text(name: str, values: Mapping[str, Bound], selected: Iterable[str] = ()) -> str:
    """Return ``queries/<name>.rq`` specialised to ``values`` and ``selected``, values bound
    (as :meth:`StoreRunner.select_named` runs it).

    Raises:
        FileNotFoundError, ValueError: as :func:`~graphql_api._sparql.specialise`.
    """
    wanted = frozenset({k for k, v in values.items() if v is not None}.union(selected))
    text = specialise(name, wanted)
    kept = placeholders(text)
    return bind(text, {k: v for k, v in values.items() if k in kept})


def selects_in_process(store: KgStore) -> bool:
    """Tell whether ``store.select`` answers in this thread, waiting on no process or socket.

    A store may say so with a ``selects_in_process`` attribute; otherwise the embedded and the
    in-memory stores do (their trusted queries run on a pyoxigraph handle in this process)
    and any other store does not.
    """
    flag = getattr(store, "selects_in_process", None)
    if flag is not None:
        return bool(flag)
    from oos_kg.store.embedded import EmbeddedStore
    from oos_kg.store.memory import MemoryStore

    return isinstance(store, EmbeddedStore | MemoryStore)


@dataclass(frozen=True, slots=True)
class NamedCall:
    """One call of a named query waiting for its batch: the query's bound text."""

    text: str


Filters = tuple[tuple[str, Term], ...]
"""Values bound to the ``# when ?x`` filter lines of a type query, as ``(x, term)`` pairs."""


def _record_batch(
    runner: StoreRunner, name: str, fields: frozenset[str] | None, filters: Filters
) -> Callable[[list[str]], Awaitable[list[Record | None]]]:
    text = record_query(name, fields, frozenset(key for key, _ in filters))
    bound = dict(filters)

    async def load(keys: list[str]) -> list[Record | None]:
        found = await _fetch_records(runner, text, bound, keys)
        return [found.get(key) for key in keys]

    return load


async def _fetch_records(
    runner: StoreRunner, text: str, bound: Mapping[str, Term], iris: Iterable[str]
) -> dict[str, Record]:
    """Run the type query ``text`` for ``iris`` (``bound``: its filter values) and return the
    record of each IRI it answered for."""
    unique = dict.fromkeys(iris)
    rows = await runner.select(bind(text, {"s": [NamedNode(key) for key in unique], **bound}))
    grouped: dict[str, dict[str, list[Term]]] = {}
    for row in rows:
        subject = row["s"].value
        values = grouped.get(subject)
        if values is None:
            values = grouped[subject] = {}
        key = row["key"].value
        terms = values.get(key)
        if terms is None:
            values[key] = [row["value"]]
        else:
            terms.append(row["value"])
    return {key: make_record(key, values) for key, values in grouped.items()}


def fetched_keys(
    keys: frozenset[str] | None, filters: Filters, known: bool
) -> tuple[frozenset[str] | None, bool]:
    """Return the keys a type query must fetch for objects selecting ``keys``, and whether it
    must run at all (see :meth:`RecordLoaders.records`).

    A resource must be found by the query itself when it may not be there: an IRI from the
    client (``known`` false) by its type, and one the filter lines may drop by its type too,
    unless a filter's own key is fetched. The filter ``?x`` of a type query reads what its key
    ``x`` reads (``tests/graphql/test_filtered_records.py`` holds the queries to it), so that
    key answers for every resource passing the filter (reading the type as well cost 0.05 ms
    more on ten measurements, and a branch of no pattern confused the store's plan).
    """
    if not known:
        return (None if keys is None else keys | {"type"}), True
    if filters:
        if keys is not None and not any(name in keys for name, _ in filters):
            keys = keys | {"type"}
        return keys, True
    return keys, keys is None or bool(keys)


def kept_records(
    iris: list[str], found: Iterable[Record | None], filters: Filters, known: bool
) -> list[Record]:
    """Return the records of ``iris`` (``found``: what the type query answered, in order) as
    :meth:`RecordLoaders.records` returns them."""
    if known and not filters:
        return [
            make_record(iri, {}) if r is None else r for iri, r in zip(iris, found, strict=True)
        ]
    return [record for record in found if record is not None]


class RecordLoaders:
    """One :class:`DataLoader` per type query and set of keys, made on first use, per request.

    Objects of one type on one level ask for the same keys (their fields are selected once in
    the document), so each level of each type is one query. The loaders do not cache across
    levels: every level that reaches a type queries it once, so the count of queries depends on
    the document's shape only, never on how many objects a page holds or which were seen before.
    """

    def __init__(self, runner: StoreRunner) -> None:
        self._runner = runner
        self._named: dict[str, DataLoader[NamedCall, list[Bindings]]] = {}
        self._loaders: dict[
            tuple[str, frozenset[str] | None, Filters], DataLoader[str, Record | None]
        ] = {}

    def loader(
        self, name: str, keys: frozenset[str] | None = None, filters: Filters = ()
    ) -> DataLoader[str, Record | None]:
        """Return the loader of ``queries/<name>.rq`` fetching ``keys`` (all when ``None``) of
        the resources that pass ``filters``."""
        loader = self._loaders.get((name, keys, filters))
        if loader is None:
            load = _record_batch(self._runner, name, keys, filters)
            loader = DataLoader(load_fn=load, cache=False)
            self._loaders[(name, keys, filters)] = loader
        return loader

    async def select_named(
        self, name: str, values: Mapping[str, Bound], selected: Iterable[str] = ()
    ) -> list[Bindings]:
        """Run ``queries/<name>.rq`` as :meth:`StoreRunner.select_named` does, in one query
        with the other calls of ``name`` made on the same turn of the loop (sibling root
        fields, such as aliased ``products``, share one query: a ``UNION`` of their own).

        The file must end with its ``ORDER BY`` line, if any, sorting on projected variables
        (:func:`~graphql_api._sparql.union_of`).

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as :meth:`StoreRunner.select`.
        """
        loader = self._named.get(name)
        if loader is None:
            loader = DataLoader(load_fn=partial(self._named_batch, name), cache=False)
            self._named[name] = loader
        return await loader.load(NamedCall(named_text(name, values, selected)))

    async def _named_batch(self, name: str, calls: list[NamedCall]) -> list[list[Bindings]]:
        del name  # the loader's key; the texts are bound already
        if len(calls) == 1:
            return [await self._runner.select(calls[0].text)]
        rows = await self._runner.select(union_of([call.text for call in calls], "branch"))
        answers: list[list[Bindings]] = [[] for _ in calls]
        for row in rows:
            answers[int(row["branch"].value)].append(row)
        return answers

    async def records(
        self,
        name: str,
        iris: list[str],
        keys: frozenset[str] | None = None,
        filters: Filters = (),
        *,
        known: bool = False,
    ) -> list[Record]:
        """Return the records of ``iris`` that pass ``filters``, in order.

        ``known`` says the IRIs are known to exist (found by a query, or linked from a record):
        a resource with none of ``keys`` then gets an empty record, and no query runs when
        there are no keys to fetch. Otherwise ``type`` is fetched too and only the resources
        the store knows are returned.
        """
        if not iris:
            return []
        keys, needed = fetched_keys(keys, filters, known)
        if not needed:
            return [make_record(iri, {}) for iri in iris]
        found = await self.loader(name, keys, filters).load_many(iris)
        return kept_records(iris, found, filters, known)

    async def fetch(
        self,
        name: str,
        keys: frozenset[str] | None,
        filters: Filters,
        iris: Iterable[str],
        *,
        batched: bool = False,
    ) -> dict[str, Record]:
        """Run the type query ``name`` for ``iris`` at once (``batched``: through its loader,
        in one query with the other loads of this turn of the loop) and return the record of
        each IRI it answered for.

        Raises:
            QueryError, QueryTimeout, StoreUnavailable: as :meth:`StoreRunner.select`.
        """
        if batched:
            unique = list(dict.fromkeys(iris))
            found = await self.loader(name, keys, filters).load_many(unique)
            return {r.iri: r for r in found if r is not None}
        text = record_query(name, keys, frozenset(key for key, _ in filters))
        return await _fetch_records(self._runner, text, dict(filters), iris)
