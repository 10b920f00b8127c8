"""``Trial``: a Japanese clinical trial that provides OOS batches of a product (Table 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Record
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Organisation, Source
from graphql_api.types.vocabulary import Registry, from_iri

if TYPE_CHECKING:
    from graphql_api.types.product import Product
    from graphql_api.types.substance import Substance

__all__ = ["Trial"]


@strawberry.type(description="A clinical trial record of Table 4, by registry and identifier.")
class Trial(Linked):
    id: strawberry.ID
    registry: Registry | None
    registry_id: str | None = strawberry.field(description="The identifier, official spelling.")
    identifier_as_printed: str | None = strawberry.field(
        description="The paper's spelling of the identifier when it differs."
    )
    title: str | None
    overview: str | None
    target_patients: str | None
    table_row: int | None = strawberry.field(description="The 'No' column of Table 4.")
    sponsor: Organisation | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Trial:
        """Build a trial from its record."""
        sponsor = record.link("sponsor")
        return cls(
            id=strawberry.ID(record.iri),
            registry=from_iri(Registry, record.link("registry")),
            registry_id=record.text("registryId"),
            identifier_as_printed=record.text("identifierAsPrinted"),
            title=record.in_language("label", "en") or record.text("label"),
            overview=record.text("overview"),
            target_patients=record.text("targetPatients"),
            table_row=record.integer("tableRow"),
            sponsor=Organisation(id=strawberry.ID(sponsor), name=record.text("sponsorName"))
            if sponsor
            else None,
            record=record,
        )

    @strawberry.field(description="The approved product whose OOS batches it provides.")
    def product(
        self, info: OosInfo
    ) -> Annotated[Product, strawberry.lazy("graphql_api.types.product")] | None:
        return linked(self, info)

    @strawberry.field(description="The active substance it provides.")
    def substance(
        self, info: OosInfo
    ) -> Annotated[Substance, strawberry.lazy("graphql_api.types.substance")] | None:
        return linked(self, info)

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


register(
    Trial,
    {
        "product": Link("product", "product", "Product", many=False),
        "substance": Link("substance", "substance", "Substance", many=False),
        "source": SOURCES,
    },
)
