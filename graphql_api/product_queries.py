"""The product side of ``Query``: each root field finds its roots with its own query, then
reads the rest of its selection in one compiled query (:func:`graphql_api.graph.fetch`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

import strawberry
from pyoxigraph import Literal, NamedNode

from graphql_api.context import OosInfo
from graphql_api.graph import fetch, selection_below
from graphql_api.sparql import Bound, iri, query_text
from graphql_api.types.common import PageInfo, decode_cursor, encode_cursor
from graphql_api.types.products import Product, Study, Substance
from graphql_api.types.vocabulary import ApprovalKind, Measure, Modality, OosProvision, Origin
from oos_kg.errors import QueryError
from oos_kg.store.base import Bindings

__all__ = [
    "ProductConnection",
    "ProductEdge",
    "ProductFilter",
    "ProductQueries",
    "concept",
    "listed",
    "roots_of",
]

T = TypeVar("T")
XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD_DATE)


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


def concept(member: Any) -> NamedNode | None:
    """The concept IRI of an enum member, or ``None``."""
    return NamedNode(member.value) if member is not None else None


async def roots_of(
    info: OosInfo, name: str, values: Mapping[str, Bound], asked: tuple[str, ...] = ()
) -> list[Bindings]:
    """The solutions of the root query ``name`` with ``values`` bound (and the optional
    lines of the ``asked`` names kept)."""
    return await info.context.select(query_text(name, values, asked))


async def listed(
    info: OosInfo, cls: type[T], name: str, values: Mapping[str, Bound], *below: str
) -> list[T]:
    """The ``cls`` objects the root query ``name`` finds, in its order, with the fields selected
    under the current field (or under its ``below`` path)."""
    rows = await roots_of(info, name, values)
    iris = list(dict.fromkeys(row["s"].value for row in rows))
    return await fetch(info, cls, iris, selection_below(info, *below))


async def best_match(info: OosInfo, query: str, name: str, kind: str) -> str | None:
    """The one resource whose name matches best (equal, then starting with, then containing,
    any case), or ``None``: ``<query>-by-exact-name.rq`` first, the ranking only without an
    equal name.

    Raises:
        QueryError: when several match equally well (the message lists them).
    """
    given = {"name": Literal(name), "sameName": Literal(name)}
    tied = [row["s"].value for row in await roots_of(info, f"{query}-by-exact-name", given)]
    if not tied:
        rows = await roots_of(info, f"{query}-by-name", given)
        best = rows[0]["rank"].value if rows else None
        tied = [row["s"].value for row in rows if row["rank"].value == best]
    if len(tied) > 1:
        raise QueryError(f"{kind} name {name!r} is ambiguous: {', '.join(tied)}")
    return str(tied[0]) if tied else None


@strawberry.type
class ProductQueries:
    @strawberry.field(description="Products (Table 3), filtered and paged (Relay).")
    async def products(
        self,
        info: OosInfo,
        filter: ProductFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProductConnection:
        limit = info.context.settings.graphql_max_page_size
        if first is not None and not 0 <= first <= limit:
            raise QueryError(f"first must be between 0 and {limit}, got {first}")
        start = decode_cursor(after) + 1 if after is not None else 0
        f = filter or ProductFilter()
        wanted = selection_below(info, "edges", "node")
        listed = wanted or selection_below(info, "edges")
        rows = await roots_of(
            info,
            "products",
            {
                "origin": concept(f.origin),
                "kind": concept(f.approval_kind),
                "provision": concept(f.oos_provision),
                "modality": concept(f.modality),
                "mah": Literal(f.mah) if f.mah else None,
                "since": _date(f.approved_from) if f.approved_from else None,
                "until": _date(f.approved_to) if f.approved_to else None,
                "withdrawn": Literal(f.withdrawn) if f.withdrawn is not None else None,
                "text": Literal(f.text) if f.text else None,
            },
            ("order",) if listed else (),  # the count alone needs no order
        )
        every = [row["s"].value for row in rows]
        page = every[start : start + (limit if first is None else first)]
        nodes = await fetch(info, Product, page, wanted) if listed else []
        edges = [ProductEdge(node=n, cursor=encode_cursor(start + i)) for i, n in enumerate(nodes)]
        return ProductConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + len(page) < len(every),
                has_previous_page=start > 0,
                start_cursor=encode_cursor(start) if page else None,
                end_cursor=encode_cursor(start + len(page) - 1) if page else None,
            ),
            total_count=len(every),
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
            rows = await roots_of(info, "product", {"s": iri(str(id))})
            found = rows[0]["s"].value if rows else None
        else:
            found = await best_match(info, "product", str(name), "product")
        nodes = await fetch(info, Product, [found] if found else [], selection_below(info))
        return nodes[0] if nodes else None

    @strawberry.field(description="One active substance by name (any case); null when none.")
    async def substance(self, info: OosInfo, name: str) -> Substance | None:
        found = await best_match(info, "substance", name, "substance")
        nodes = await fetch(info, Substance, [found] if found else [], selection_below(info))
        return nodes[0] if nodes else None

    @strawberry.field(
        description="Evidence studies, optionally on one substance (by name) and one measure."
    )
    async def studies(
        self, info: OosInfo, substance: str | None = None, measure: Measure | None = None
    ) -> list[Study]:
        substance_iri = None
        if substance is not None:
            substance_iri = await best_match(info, "substance", substance, "substance")
            if substance_iri is None:
                return []
        substance_node = NamedNode(substance_iri) if substance_iri else None
        return await listed(
            info, Study, "studies", {"substance": substance_node, "measure": concept(measure)}
        )
