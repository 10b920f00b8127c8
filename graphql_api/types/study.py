"""``Study`` and ``OutcomeMeasure``: the evidence on OOS vs commercial batches (refs 11-16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api._records import Record
from graphql_api._sparql import iri
from graphql_api.context import OosInfo
from graphql_api.types.common import Source, load_object, load_objects, sources_of
from graphql_api.types.vocabulary import ArmKind, Measure, from_iri

if TYPE_CHECKING:
    from graphql_api.types.substance import Substance

__all__ = ["OutcomeMeasure", "Study"]


@strawberry.type(description="One figure an evidence study reports for one arm.")
class OutcomeMeasure:
    id: strawberry.ID
    measure: Measure | None
    arm: ArmKind | None
    value: float | None
    unit: str | None
    ci_low: float | None
    ci_high: float | None
    ci_level: float | None
    p_value: float | None
    patients: int | None = strawberry.field(description="Number of patients in the arm.")
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> OutcomeMeasure:
        """Build a measurement from its record."""
        patients = record.integer("patients")
        return cls(
            id=strawberry.ID(record.iri),
            measure=from_iri(Measure, record.link("measure")),
            arm=from_iri(ArmKind, record.link("arm")),
            value=record.number("value"),
            unit=record.text("unit"),
            ci_low=record.number("ciLow"),
            ci_high=record.number("ciHigh"),
            ci_level=record.number("ciLevel"),
            p_value=record.number("pValue"),
            patients=patients if patients is not None else record.integer("armPatients"),
            record=record,
        )

    @strawberry.field(description="Where the figure comes from.")
    async def source(self, info: OosInfo) -> list[Source]:
        return await sources_of(info, self.record)


@strawberry.type(description="An evidence study comparing OOS and commercial batches.")
class Study:
    id: strawberry.ID
    title: str | None
    population: str | None
    country: str | None = strawberry.field(description="ISO 3166 alpha-2 code.")
    reference_number: int | None = strawberry.field(description="The paper's reference number.")
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Study:
        """Build a study from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            title=record.in_language("label", "en") or record.text("label"),
            population=record.text("population"),
            country=record.text("country"),
            reference_number=record.integer("referenceNumber"),
            record=record,
        )

    @strawberry.field(description="The active substance studied.")
    async def substance(
        self, info: OosInfo
    ) -> Annotated[Substance, strawberry.lazy("graphql_api.types.substance")] | None:
        from graphql_api.types.substance import Substance

        return await load_object(
            info, "substance", self.record.link("substance"), Substance.from_record
        )

    @strawberry.field(description="Its figures, optionally of one measure and one arm.")
    async def measurements(
        self, info: OosInfo, measure: Measure | None = None, arm: ArmKind | None = None
    ) -> list[OutcomeMeasure]:
        filters = tuple(
            (name, iri(member.value))
            for name, member in (("measure", measure), ("arm", arm))
            if member is not None
        )
        found = await load_objects(
            info,
            "measurement",
            self.record.links("measurement"),
            OutcomeMeasure.from_record,
            extra=("measure", "arm"),
            filters=filters,
        )
        return [
            m
            for m in found
            if (measure is None or m.measure is measure) and (arm is None or m.arm is arm)
        ]

    @strawberry.field(description="Where the facts about it come from.")
    async def source(self, info: OosInfo) -> list[Source]:
        return await sources_of(info, self.record)
