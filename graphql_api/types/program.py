"""``ExpandedAccessProgram``: a US expanded access program for OOS batches (Table 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Record
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Organisation, Source

if TYPE_CHECKING:
    from graphql_api.types.substance import Substance

__all__ = ["ExpandedAccessProgram"]


@strawberry.type(description="A US expanded access program of Table 1.")
class ExpandedAccessProgram(Linked):
    id: strawberry.ID
    nct_id: str | None = strawberry.field(description="ClinicalTrials.gov identifier.")
    title: str | None
    summary: str | None
    sponsor: Organisation | None
    table_row: int | None = strawberry.field(description="The 'No' column of Table 1.")
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> ExpandedAccessProgram:
        """Build a program from its record."""
        sponsor = record.link("sponsor")
        return cls(
            id=strawberry.ID(record.iri),
            nct_id=record.text("registryId"),
            title=record.in_language("label", "en") or record.text("label"),
            summary=record.text("overview"),
            sponsor=Organisation(id=strawberry.ID(sponsor), name=record.text("sponsorName"))
            if sponsor
            else None,
            table_row=record.integer("tableRow"),
            record=record,
        )

    @strawberry.field(description="The active substance it provides.")
    def substance(
        self, info: OosInfo
    ) -> Annotated[Substance, strawberry.lazy("graphql_api.types.substance")] | None:
        return linked(self, info)

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


register(
    ExpandedAccessProgram,
    {"substance": Link("substance", "substance", "Substance", many=False), "source": SOURCES},
)
