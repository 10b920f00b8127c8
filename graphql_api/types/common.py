"""Small shared types (sources, organisations, paging) and the helpers that load objects."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TypeVar

import strawberry
from graphql import FieldNode, SelectionNode

from graphql_api._fields import keys_for
from graphql_api._links import Link, prefetch, register
from graphql_api._records import Filters, Record, fetched_keys, kept_records, make_record
from graphql_api.context import OosInfo
from oos_kg.errors import QueryError

__all__ = [
    "SOURCES",
    "Organisation",
    "PageInfo",
    "Source",
    "decode_cursor",
    "encode_cursor",
    "load_objects",
    "load_records",
    "selected",
    "selections_at",
]

T = TypeVar("T")


async def load_objects(
    info: OosInfo,
    name: str,
    iris: list[str],
    build: Callable[[Record], T],
    *,
    selections: list[SelectionNode] | None = None,
    extra: tuple[str, ...] = (),
    every_key: bool = False,
    filters: Filters = (),
    known: bool = True,
    below: bool = False,
) -> list[T]:
    """Load the records of ``iris`` through the ``name`` loader and build an object from each.

    Only the keys the objects' selected fields read are fetched: those under the current field
    unless ``selections`` says where they are, plus ``extra`` (keys the resolver itself reads);
    ``every_key`` fetches all (for objects used beyond the current selection). ``filters``
    keeps only the resources the type query's filter lines let through. ``known``: the IRIs
    were found by a query or linked from a record, so each gets an object even when none of
    its selected fields has a value; ``False`` (an IRI from the client) returns only those the
    store knows. ``below``: fetch the link fields selected below the objects too, level by
    level (:func:`~graphql_api._links.prefetch`); root resolvers ask for it, and when theirs is
    the operation's only root field, the records are fetched at once rather than through the
    loader (the same query: a loader only batches sibling roots' loads, and costs a turn of
    the event loop).
    """
    if not iris:
        return []
    chosen = selections if selections is not None else _current_selections(info)
    keys = None if every_key else keys_for(name, chosen, extra)
    loaders = info.context.loaders
    if below and _lone_root(info):  # nothing to batch with: no loader, no turn of the loop
        fetched, needed = fetched_keys(keys, filters, known)
        if needed:
            found = await loaders.fetch(name, fetched, filters, iris)
            records = kept_records(iris, [found.get(iri) for iri in iris], filters, known)
        else:
            records = [make_record(iri, {}) for iri in iris]
    else:
        records = await loaders.records(name, iris, keys, filters, known=known)
    objects = [build(record) for record in records]
    if below:
        await prefetch(info, [(objects, chosen)])
    return objects


async def load_records(
    info: OosInfo, name: str, iris: list[str], keys: frozenset[str] | None
) -> list[Record]:
    """The records of ``iris`` (known to exist) with ``keys``, as :func:`load_objects` fetches
    them for a root resolver: at once when its field is the operation's only root, otherwise
    through the loader (batched with sibling roots)."""
    if not iris:
        return []
    if _lone_root(info):
        fetched, needed = fetched_keys(keys, (), True)
        if not needed:
            return [make_record(iri, {}) for iri in iris]
        found = await info.context.loaders.fetch(name, fetched, (), iris)
        return kept_records(iris, [found.get(iri) for iri in iris], (), True)
    return await info.context.loaders.records(name, iris, keys, known=True)


def _lone_root(info: OosInfo) -> bool:
    """Whether the operation selects one root field (a fragment may hold several)."""
    roots = info._raw_info.operation.selection_set.selections
    return len(roots) == 1 and isinstance(roots[0], FieldNode)


def _current_selections(info: OosInfo) -> list[SelectionNode]:
    return [
        selection
        for node in info._raw_info.field_nodes
        if node.selection_set is not None
        for selection in node.selection_set.selections
    ]


def selections_at(info: OosInfo, *path: str) -> list[SelectionNode]:
    """Return the selections found below ``path`` (field names) under the current field.

    A fragment on the way keeps the fragment itself, so the caller reads every key.
    """
    level = _current_selections(info)
    for name in path:
        below: list[SelectionNode] = []
        for selection in level:
            if not isinstance(selection, FieldNode):
                below.append(selection)
            elif selection.name.value == name and selection.selection_set is not None:
                below.extend(selection.selection_set.selections)
        level = below
    return level


def selected(info: OosInfo, *names: str) -> list[str]:
    """Return those of ``names`` that are selected under the current field (all of them when
    a fragment is there: what it holds is not looked into)."""
    found: set[str] = set()
    for selection in _current_selections(info):
        if not isinstance(selection, FieldNode):
            return list(names)
        found.add(selection.name.value)
    return [name for name in names if name in found]


@strawberry.type(description="Where a fact comes from: a table, section, figure or reference.")
class Source:
    id: strawberry.ID
    label: str | None
    reference_number: int | None = strawberry.field(
        description="The paper's reference number, for a reference."
    )
    citation: str | None

    @classmethod
    def from_record(cls, record: Record) -> Source:
        """Build a source location from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            label=record.in_language("label", "en") or record.text("label"),
            reference_number=record.integer("referenceNumber"),
            citation=record.text("citation"),
        )


register(Source)
SOURCES = Link("source", "source", "Source")
"""The ``source`` field of every type: the source locations its record's ``source`` names."""


@strawberry.type(description="An organisation: a marketing authorisation holder or a sponsor.")
class Organisation:
    id: strawberry.ID
    name: str | None


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def encode_cursor(offset: int) -> str:
    """Return the opaque cursor of the item at ``offset``.

    >>> decode_cursor(encode_cursor(7))
    7
    """
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """Return the offset a cursor stands for.

    Raises:
        QueryError: when the cursor was not made by :func:`encode_cursor`.
    """
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, number = text.partition(":")
        offset = int(number)
    except (ValueError, UnicodeError):
        raise QueryError(f"not a cursor: {cursor!r}") from None
    if prefix != "offset" or offset < 0:
        raise QueryError(f"not a cursor: {cursor!r}")
    return offset
