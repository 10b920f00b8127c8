"""The product side of ``Query``: roots found by their own query, the rest by :func:`fetch`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import strawberry
from pyoxigraph import Literal, NamedNode

from graphql_api.context import OosInfo, Select
from graphql_api.graph import fetch, selection_below
from graphql_api.sparql import iri, query_text
from graphql_api.types.common import PageInfo, decode_cursor, encode_cursor
from graphql_api.types.products import Product, Study, Substance
from graphql_api.types.vocabulary import ApprovalKind, Measure, Modality, OosProvision, Origin
from oos_kg.errors import QueryError

__all__ = [
    "ProductConnection",
    "ProductEdge",
    "ProductFilter",
    "ProductQueries",
    "iris_of",
    "listed",
    "one",
    "page_size",
    "rooted",
]

T = TypeVar("T")
Find = Callable[[Select], list[str]]


@strawberry.type
class ProductEdge:
    node: Product
    cursor: str


@strawberry.type(description="A page of products (Relay connection).")
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input(description="Filters on products; every given one must hold.")
class ProductFilter:
    origin: Origin | None = None
    approval_kind: ApprovalKind | None = None
    oos_provision: OosProvision | None = None
    modality: Modality | None = None
    mah: str | None = strawberry.field(
        default=None, description="Part of the MAH's name, any case."
    )
    approved_from: dt.date | None = strawberry.field(default=None, description="Inclusive.")
    approved_to: dt.date | None = strawberry.field(default=None, description="Inclusive.")
    withdrawn: bool | None = None
    text: str | None = strawberry.field(
        default=None, description="Part of a brand, common or substance name, any case."
    )


def page_size(info: OosInfo, first: int | None) -> int:
    """``first``, or the server's page size when ``None``.

    Raises:
        QueryError: when ``first`` is not between 0 and the server's page size.
    """
    limit = info.context.settings.graphql_max_page_size
    if first is not None and not 0 <= first <= limit:
        raise QueryError(f"first must be between 0 and {limit}, got {first}")
    return limit if first is None else first


def iris_of(select: Select, name: str, values: Mapping[str, Any], *asked: str) -> list[str]:
    """The distinct ``?s`` of the root query ``name`` (:func:`query_text`), in its order."""
    return list(dict.fromkeys(row["s"].value for row in select(query_text(name, values, asked))))


def rooted(name: str, values: Mapping[str, Any], *asked: str) -> Find:
    """Find the roots with the root query ``name``, in its order."""
    return lambda select: iris_of(select, name, values, *asked)


async def listed(info: OosInfo, cls: type[T], find: Find) -> list[T]:
    """The ``cls`` objects of the IRIs ``find`` gives, with the current field's selection."""
    wanted = selection_below(info)
    return await info.context.run(lambda select: fetch(select, cls, find(select), wanted))


async def one(info: OosInfo, cls: type[T], find: Find) -> T | None:
    """The first of :func:`listed`, or ``None``."""
    return next(iter(await listed(info, cls, find)), None)


def _best_match(select: Select, kind: str, name: str) -> list[str]:
    """The one resource whose name matches best (equal, then starting with, then containing,
    any case), or none: ``<kind>-by-exact-name.rq`` first, the ranking only without an
    equal name.

    Raises:
        QueryError: when several match equally well (the message lists them).
    """
    given = {"name": Literal(name), "sameName": Literal(name)}
    tied = iris_of(select, f"{kind}-by-exact-name", given)
    if not tied:
        rows = select(query_text(f"{kind}-by-name", given))
        best = rows[0]["rank"].value if rows else None
        tied = [row["s"].value for row in rows if row["rank"].value == best]
    if len(tied) > 1:
        raise QueryError(f"{kind} name {name!r} is ambiguous: {', '.join(tied)}")
    return tied


@strawberry.type
class ProductQueries:
    @strawberry.field(description="Products (Table 3), filtered and paged (Relay).")
    async def products(
        self,
        info: OosInfo,
        filter: ProductFilter | None = None,
        first: Annotated[
            int | None,
            strawberry.argument(
                description="How many products after `after`: 0 to the server's page size, "
                "which is also the number when omitted."
            ),
        ] = None,
        after: str | None = None,
    ) -> ProductConnection:
        count = page_size(info, first)
        start = decode_cursor(after) + 1 if after is not None else 0
        values = vars(filter or ProductFilter())
        wanted = selection_below(info, "edges", "node")
        listed = wanted or selection_below(info, "edges")

        def work(select: Select) -> tuple[int, int, list[Product]]:
            asked = ("order",) if listed else ()  # a count alone needs no order
            every = iris_of(select, "products", values, *asked)
            page = every[start : start + count]
            return len(every), len(page), fetch(select, Product, page, wanted) if listed else []

        total, size, nodes = await info.context.run(work)
        edges = [ProductEdge(node=n, cursor=encode_cursor(start + i)) for i, n in enumerate(nodes)]
        return ProductConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + size < total,
                has_previous_page=start > 0,
                start_cursor=encode_cursor(start) if size else None,
                end_cursor=encode_cursor(start + size - 1) if size else None,
            ),
            total_count=total,
        )

    @strawberry.field(
        description="One product by IRI, or by brand, common or substance name (any case, en or "
        "ja; exact beats prefix beats part). Null when none matches."
    )
    async def product(
        self, info: OosInfo, id: strawberry.ID | None = None, name: str | None = None
    ) -> Product | None:
        if (id is None) == (name is None):
            raise QueryError("give exactly one of id and name")
        if id is not None:
            return await one(info, Product, rooted("product", {"s": iri(str(id))}))
        return await one(info, Product, lambda s: _best_match(s, "product", str(name)))

    @strawberry.field(description="One active substance by name (any case); null when none.")
    async def substance(self, info: OosInfo, name: str) -> Substance | None:
        return await one(info, Substance, lambda s: _best_match(s, "substance", name))

    @strawberry.field(
        description="Evidence studies, optionally on one substance (by name) and one measure."
    )
    async def studies(
        self, info: OosInfo, substance: str | None = None, measure: Measure | None = None
    ) -> list[Study]:

        def find(select: Select) -> list[str]:  # no substance of that name: no study
            named = None if substance is None else _best_match(select, "substance", substance)
            of = None if named is None else [NamedNode(s) for s in named]
            return iris_of(select, "studies", {"substance": of, "measure": measure})

        return await listed(info, Study, find)
