"""``Study`` and ``OutcomeMeasure``: the evidence on OOS vs commercial batches (refs 11-16)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from pyoxigraph import Literal

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Filters, Record
from graphql_api._sparql import iri
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Source
from graphql_api.types.vocabulary import ArmKind, Measure, from_iri

if TYPE_CHECKING:
    from graphql_api.types.substance import Substance

__all__ = ["OutcomeMeasure", "Study", "by_reference"]

_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_INTEGER = re.compile(r"[+-]?[0-9]+")


@strawberry.type(description="One figure an evidence study reports for one arm.")
class OutcomeMeasure(Linked):
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
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


@strawberry.type(description="An evidence study comparing OOS and commercial batches.")
class Study(Linked):
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
    def substance(
        self, info: OosInfo
    ) -> Annotated[Substance, strawberry.lazy("graphql_api.types.substance")] | None:
        return linked(self, info)

    @strawberry.field(description="Its figures, optionally of one measure and one arm.")
    def measurements(
        self, info: OosInfo, measure: Measure | None = None, arm: ArmKind | None = None
    ) -> list[OutcomeMeasure]:
        return linked(self, info, {"measure": measure, "arm": arm})

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


def by_reference(studies: list[Study]) -> list[Study] | None:
    """``studies`` in the paper's order: by their least reference number (none first), then IRI,
    as ``ORDER BY MIN(?ref) ?s`` sorts them; ``None`` when a reference number is not a plain
    ``xsd:integer`` (SPARQL's order across datatypes is the store's to say).

    Every study must hold its ``referenceNumber`` key.
    """
    keys: list[tuple[int, int, str]] = []
    for study in studies:
        numbers = []
        for term in study.record.terms("referenceNumber"):
            if not (
                isinstance(term, Literal)
                and term.datatype.value == _XSD_INTEGER
                and _INTEGER.fullmatch(term.value)
            ):
                return None
            numbers.append(int(term.value))
        keys.append((1, min(numbers), study.id) if numbers else (0, 0, study.id))
    order = sorted(range(len(studies)), key=keys.__getitem__)
    return [studies[i] for i in order]


def _measurement_filters(args: Mapping[str, Any]) -> Filters:
    """The measure and arm asked for, as the measurement query's filter values."""
    return tuple(
        (name, iri(args[name].value)) for name in ("measure", "arm") if args.get(name) is not None
    )


def _measurements_asked(found: list[Any], args: Mapping[str, Any]) -> list[Any]:
    measure, arm = args.get("measure"), args.get("arm")
    return [
        m
        for m in found
        if (measure is None or m.measure is measure) and (arm is None or m.arm is arm)
    ]


register(OutcomeMeasure, {"source": SOURCES})
register(
    Study,
    {
        "substance": Link("substance", "substance", "Substance", many=False),
        "measurements": Link(
            "measurement",
            "measurement",
            "OutcomeMeasure",
            extra=("measure", "arm"),
            filters=_measurement_filters,
            finish=_measurements_asked,
        ),
        "source": SOURCES,
    },
)
