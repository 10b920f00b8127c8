"""Table 2 side by side, the JP to JP_PROPOSED diff, Table 5, Fig. 1 and search hits."""

from __future__ import annotations

import strawberry

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Record
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Source
from graphql_api.types.regulation import (
    EligibilityCriterion,
    Framework,
    Obligation,
    Role,
)
from graphql_api.types.vocabulary import JurisdictionCode, RoleCode, StreamliningTiming, from_iri

__all__ = [
    "Cell",
    "ComparisonAspect",
    "ComparisonRow",
    "FrameworkDiff",
    "ProvisionStep",
    "RoleDiff",
    "SearchHit",
    "StreamliningItem",
]


@strawberry.type(description="A row of Table 2: one aspect the jurisdictions are compared on.")
class ComparisonAspect:
    id: strawberry.ID
    table_row: int | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> ComparisonAspect:
        """Build an aspect from its record."""
        return cls(
            id=strawberry.ID(record.iri), table_row=record.integer("tableRow"), record=record
        )

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)


@strawberry.type(
    description="What one framework says on one aspect: a Table 2 cell, or a Table 6 proposition."
)
class Cell(Linked):
    id: strawberry.ID
    jurisdiction: JurisdictionCode
    text: str | None = strawberry.field(description="The cell's text as the paper prints it.")
    record: strawberry.Private[Record]

    @classmethod
    def build(cls, record: Record, code: JurisdictionCode) -> Cell:
        """Build a cell of framework ``code`` from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            jurisdiction=code,
            text=record.in_language("text", "en") or record.text("text"),
            record=record,
        )

    @strawberry.field(description="The obligations the cell states.")
    def obligations(self, info: OosInfo) -> list[Obligation]:
        return linked(self, info)

    @strawberry.field(description="The eligibility criteria the cell states.")
    def criteria(self, info: OosInfo) -> list[EligibilityCriterion]:
        return linked(self, info)

    @strawberry.field(description="Where the cell comes from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


@strawberry.type(description="One aspect with a cell per requested framework code.")
class ComparisonRow:
    aspect: ComparisonAspect
    cells: list[Cell]


@strawberry.type(description="A role's obligations under two frameworks, side by side.")
class RoleDiff:
    role: Role
    from_obligations: list[Obligation]
    to_obligations: list[Obligation]

    @strawberry.field(description="How many obligations the role has under the first framework.")
    def from_count(self) -> int:
        return len(self.from_obligations)

    @strawberry.field(description="How many obligations the role has under the second framework.")
    def to_count(self) -> int:
        return len(self.to_obligations)


@strawberry.type(description="What changes from one framework to another, by role and by aspect.")
class FrameworkDiff:
    from_framework: Framework | None
    to_framework: Framework | None
    roles: list[RoleDiff]
    codes: strawberry.Private[tuple[JurisdictionCode, JurisdictionCode]]

    @strawberry.field(description="Table 2 (and Table 6) for the two frameworks, aspect by aspect.")
    async def aspects(self, info: OosInfo) -> list[ComparisonRow]:
        from graphql_api._regulation_queries import compare_jurisdictions

        return await compare_jurisdictions(info, None, list(self.codes))


@strawberry.type(description="An item of Table 5: a task of an OOS clinical trial.")
class StreamliningItem:
    id: strawberry.ID
    text: str | None
    party: RoleCode | None
    timing: StreamliningTiming | None
    can_be_streamlined: bool | None
    item_number: int | None
    notes: list[str]

    @classmethod
    def from_record(cls, record: Record) -> StreamliningItem:
        """Build an item from its record."""
        can = record.text("can")
        return cls(
            id=strawberry.ID(record.iri),
            text=record.in_language("label", "en") or record.text("label"),
            party=from_iri(RoleCode, record.link("party")),
            timing=from_iri(StreamliningTiming, record.link("timing")),
            can_be_streamlined=None if can is None else can in ("true", "1"),
            item_number=record.integer("number"),
            notes=record.texts("note"),
        )


@strawberry.type(description="A step of the OOS provision flow of Fig. 1.")
class ProvisionStep:
    id: strawberry.ID
    number: int | None
    label: str | None
    description: str | None
    performed_by: RoleCode | None
    next_step: strawberry.ID | None


@strawberry.type(description="A resource whose text matches a search.")
class SearchHit:
    id: strawberry.ID
    kinds: list[str] = strawberry.field(description="Its classes in the ontology (local names).")
    label: str | None
    matched: str | None = strawberry.field(description="The text that matched.")


register(
    Cell,
    {
        "obligations": Link("obligation", "obligation", "Obligation"),
        "criteria": Link("criterion", "criterion", "EligibilityCriterion"),
        "source": SOURCES,
    },
)
