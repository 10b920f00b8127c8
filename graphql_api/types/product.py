"""``Product``: a regenerative medicine product of Table 3, with its approval and its links."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Record
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Organisation, PageInfo, Source, encode_cursor
from graphql_api.types.vocabulary import (
    ApprovalKind,
    JurisdictionCode,
    Modality,
    OosProvision,
    Origin,
    from_iri,
)

if TYPE_CHECKING:
    from graphql_api.types.program import ExpandedAccessProgram
    from graphql_api.types.study import Study
    from graphql_api.types.substance import Substance
    from graphql_api.types.trial import Trial

__all__ = ["Approval", "Product", "ProductConnection", "ProductEdge", "ProductFilter"]

_APPROVED = frozenset({"approval", "approvalDate", "approvalKind", "withdrawnOn"})
"""A product whose record holds any of these keys has an approval (``approval`` says so when
the three facts were not all fetched: graphql_api._fields)."""


@strawberry.type(description="A marketing approval: when, of which kind, and its withdrawal.")
class Approval:
    date: dt.date | None
    kind: ApprovalKind | None
    withdrawn_on: str | None = strawberry.field(
        description="ISO 8601 date or year-month (the paper gives a month)."
    )
    jurisdiction: JurisdictionCode | None


@strawberry.type(description="A regenerative medicine product approved in Japan (Table 3).")
class Product(Linked):
    id: strawberry.ID
    brand_name: str | None = strawberry.field(description="Brand name as in Table 3.")
    common_name: str | None = strawberry.field(description="Common name as in Table 3.")
    alt_labels: list[str] = strawberry.field(description="Other spellings, the paper's included.")
    origin: Origin | None
    origin_note: str | None
    modality: Modality | None
    oos_provision: OosProvision | None
    approval: Approval | None
    mah: Organisation | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Product:
        """Build a product from its record."""
        has_approval = not _APPROVED.isdisjoint(record.values)
        mah = record.link("mah")
        code = record.text("approvedIn")
        return cls(
            id=strawberry.ID(record.iri),
            brand_name=record.text("brandName"),
            common_name=record.text("commonName"),
            alt_labels=record.texts("altLabel"),
            origin=from_iri(Origin, record.link("origin")),
            origin_note=record.text("originNote"),
            modality=from_iri(Modality, record.link("modality")),
            oos_provision=from_iri(OosProvision, record.link("oosProvision")),
            approval=Approval(
                date=record.date("approvalDate"),
                kind=from_iri(ApprovalKind, record.link("approvalKind")),
                withdrawn_on=record.text("withdrawnOn"),
                jurisdiction=JurisdictionCode(code)
                if code in JurisdictionCode._value2member_map_
                else None,
            )
            if has_approval
            else None,
            mah=Organisation(id=strawberry.ID(mah), name=record.text("mahName")) if mah else None,
            record=record,
        )

    @strawberry.field(description="The preferred label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="The product's active substance.")
    def substance(
        self, info: OosInfo
    ) -> Annotated[Substance, strawberry.lazy("graphql_api.types.substance")] | None:
        return linked(self, info)

    @strawberry.field(description="Japanese clinical trials providing its OOS batches (Table 4).")
    def oos_trials(
        self, info: OosInfo
    ) -> list[Annotated[Trial, strawberry.lazy("graphql_api.types.trial")]]:
        return linked(self, info)

    @strawberry.field(description="US expanded access programs for its substance (Table 1).")
    def expanded_access_programs(
        self, info: OosInfo
    ) -> list[Annotated[ExpandedAccessProgram, strawberry.lazy("graphql_api.types.program")]]:
        return linked(self, info)

    @strawberry.field(description="Evidence studies of OOS vs commercial batches of its substance.")
    def studies(
        self, info: OosInfo
    ) -> list[Annotated[Study, strawberry.lazy("graphql_api.types.study")]]:
        return linked(self, info)

    @strawberry.field(description="Where the facts about this product come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


@strawberry.type
class ProductEdge:
    node: Product
    offset: strawberry.Private[int]

    @strawberry.field
    def cursor(self) -> str:
        # encoded when selected only: most pages ask for the nodes alone
        return encode_cursor(self.offset)


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


register(
    Product,
    {
        "substance": Link("substance", "substance", "Substance", many=False),
        "oosTrials": Link("trial", "trial", "Trial"),
        "expandedAccessPrograms": Link("program", "program", "ExpandedAccessProgram"),
        "studies": Link("study", "study", "Study"),
        "source": SOURCES,
    },
)
