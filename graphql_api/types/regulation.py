"""Jurisdictions, frameworks, legal instruments, clauses, obligations and eligibility criteria."""

from __future__ import annotations

import strawberry

from graphql_api._records import Record, in_hours
from graphql_api.context import OosInfo
from graphql_api.types.common import Source, load_object, load_objects, sources_of
from graphql_api.types.vocabulary import JurisdictionCode, RoleCode, from_iri

__all__ = [
    "Clause",
    "EligibilityCriterion",
    "Framework",
    "Jurisdiction",
    "LegalInstrument",
    "Obligation",
    "Party",
    "Role",
    "code_of",
]


def code_of(text: str | None) -> JurisdictionCode | None:
    """Return the framework or jurisdiction code named by ``text``, or ``None``.

    >>> code_of("JP_PROPOSED")
    <JurisdictionCode.JP_PROPOSED: 'JP_PROPOSED'>
    """
    return JurisdictionCode(text) if text in JurisdictionCode._value2member_map_ else None


@strawberry.type(description="A named party: a role or an organisation.")
class Party:
    id: strawberry.ID
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Party:
        """Build a party from its labels."""
        return cls(id=strawberry.ID(record.iri), record=record)

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="The role this party is, if it is a role.")
    def role(self) -> RoleCode | None:
        return from_iri(RoleCode, self.record.iri)


@strawberry.type(description="A role that bears, reviews or receives obligations.")
class Role:
    id: strawberry.ID
    code: RoleCode | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Role:
        """Build a role from its labels."""
        return cls(id=strawberry.ID(record.iri), code=from_iri(RoleCode, record.iri), record=record)

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)


@strawberry.type(description="A jurisdiction: the United States, the European Union or Japan.")
class Jurisdiction:
    id: strawberry.ID
    code: JurisdictionCode | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Jurisdiction:
        """Build a jurisdiction from its record."""
        return cls(id=strawberry.ID(record.iri), code=code_of(record.text("code")), record=record)

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="Its frameworks for OOS provision (Japan: current and proposed).")
    async def frameworks(self, info: OosInfo) -> list[Framework]:
        return await load_objects(
            info, "framework", self.record.links("framework"), Framework.from_record
        )


@strawberry.type(description="A regulatory framework under which OOS batches reach patients.")
class Framework:
    id: strawberry.ID
    code: JurisdictionCode | None
    description: str | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Framework:
        """Build a framework from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            code=code_of(record.text("code")),
            description=record.in_language("description", "en"),
            record=record,
        )

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="Its jurisdiction.")
    async def jurisdiction(self, info: OosInfo) -> Jurisdiction | None:
        return await load_object(
            info, "jurisdiction", self.record.link("jurisdiction"), Jurisdiction.from_record
        )

    @strawberry.field(description="The instruments it rests on.")
    async def instruments(self, info: OosInfo) -> list[LegalInstrument]:
        return await load_objects(
            info, "instrument", self.record.links("instrument"), LegalInstrument.from_record
        )

    @strawberry.field(description="The clauses it rests on directly.")
    async def legal_basis(self, info: OosInfo) -> list[Clause]:
        return await load_objects(info, "clause", self.record.links("clause"), Clause.from_record)

    @strawberry.field(description="Its obligations, optionally of one role.")
    async def obligations(self, info: OosInfo, role: RoleCode | None = None) -> list[Obligation]:
        found = await load_objects(
            info,
            "obligation",
            self.record.links("obligation"),
            Obligation.from_record,
            extra=("role",),
        )
        return [o for o in found if role is None or role.value in o.record.links("role")]

    @strawberry.field(description="Who is eligible under it, criterion by criterion.")
    async def eligibility(self, info: OosInfo) -> list[EligibilityCriterion]:
        found = await load_objects(
            info,
            "criterion",
            self.record.links("criterion"),
            EligibilityCriterion.from_record,
            extra=("number",),
        )
        return sorted(found, key=lambda c: (c.number is None, c.number or 0, c.id))

    @strawberry.field(description="Where the facts about it come from.")
    async def source(self, info: OosInfo) -> list[Source]:
        return await sources_of(info, self.record)


@strawberry.type(description="A law, regulation, guideline or guidance document.")
class LegalInstrument:
    id: strawberry.ID
    alt_labels: list[str]
    description: str | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> LegalInstrument:
        """Build an instrument from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            alt_labels=record.texts("altLabel"),
            description=record.in_language("description", "en"),
            record=record,
        )

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="All its clauses, at any level.")
    async def clauses(self, info: OosInfo) -> list[Clause]:
        return await load_objects(info, "clause", self.record.links("clause"), Clause.from_record)


@strawberry.type(description="A subdivision of an instrument: part, section, article, item.")
class Clause:
    id: strawberry.ID
    number: str | None
    text: str | None = strawberry.field(description="Verbatim, where the text is the fact.")
    description: str | None
    table_row: int | None = strawberry.field(description="Row of Table 6, for a proposition.")
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Clause:
        """Build a clause from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            number=record.text("number"),
            text=record.text("text"),
            description=record.in_language("description", "en"),
            table_row=record.integer("tableRow"),
            record=record,
        )

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="The instrument it belongs to.")
    async def instrument(self, info: OosInfo) -> LegalInstrument | None:
        return await load_object(
            info, "instrument", self.record.link("instrument"), LegalInstrument.from_record
        )

    @strawberry.field(description="The clause it is part of, if any.")
    async def parent(self, info: OosInfo) -> Clause | None:
        return await load_object(info, "clause", self.record.link("parent"), Clause.from_record)

    @strawberry.field(description="Its sub-clauses.")
    async def children(self, info: OosInfo) -> list[Clause]:
        return await load_objects(info, "clause", self.record.links("child"), Clause.from_record)

    @strawberry.field(description="The obligations it states.")
    async def obligations(self, info: OosInfo) -> list[Obligation]:
        return await load_objects(
            info, "obligation", self.record.links("obligation"), Obligation.from_record
        )

    @strawberry.field(description="Where the facts about it come from.")
    async def source(self, info: OosInfo) -> list[Source]:
        return await sources_of(info, self.record)


@strawberry.type(description="What a role must do under a framework, by when, stated where.")
class Obligation:
    id: strawberry.ID
    action: str | None
    deadline: str | None = strawberry.field(description="ISO 8601 duration, e.g. PT48H.")
    framework_code: JurisdictionCode | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> Obligation:
        """Build an obligation from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            action=record.in_language("action", "en") or record.text("action"),
            deadline=in_hours(deadline) if (deadline := record.text("deadline")) else None,
            framework_code=code_of(record.text("code")),
            record=record,
        )

    @strawberry.field(description="The label in a language (en, ja); null if none.")
    def label(self, lang: str = "en") -> str | None:
        return self.record.in_language("label", lang)

    @strawberry.field(description="Who must do it (the first role when several share it).")
    async def role(self, info: OosInfo) -> Role | None:
        return await load_object(info, "concept", self.record.link("role"), Role.from_record)

    @strawberry.field(description="Every role that must do it.")
    async def roles(self, info: OosInfo) -> list[Role]:
        return await load_objects(info, "concept", self.record.links("role"), Role.from_record)

    @strawberry.field(description="The event that starts the deadline's clock.")
    async def deadline_trigger(self, info: OosInfo) -> Party | None:
        return await load_object(
            info, "concept", self.record.link("deadlineTrigger"), Party.from_record
        )

    @strawberry.field(description="The event it must come before.")
    async def before_event(self, info: OosInfo) -> Party | None:
        return await load_object(
            info, "concept", self.record.link("beforeEvent"), Party.from_record
        )

    @strawberry.field(description="Who reviews what is done.")
    async def reviewed_by(self, info: OosInfo) -> list[Party]:
        return await load_objects(
            info, "concept", self.record.links("reviewedBy"), Party.from_record
        )

    @strawberry.field(description="Who is told.")
    async def reported_to(self, info: OosInfo) -> list[Party]:
        return await load_objects(
            info, "concept", self.record.links("reportedTo"), Party.from_record
        )

    @strawberry.field(description="The framework it belongs to.")
    async def framework(self, info: OosInfo) -> Framework | None:
        return await load_object(
            info, "framework", self.record.link("framework"), Framework.from_record
        )

    @strawberry.field(description="The clause that states it.")
    async def clause(self, info: OosInfo) -> Clause | None:
        return await load_object(info, "clause", self.record.link("clause"), Clause.from_record)

    @strawberry.field(description="Where the facts about it come from.")
    async def source(self, info: OosInfo) -> list[Source]:
        return await sources_of(info, self.record)


@strawberry.type(description="One condition a patient must meet under a framework.")
class EligibilityCriterion:
    id: strawberry.ID
    number: int | None
    text: str | None
    record: strawberry.Private[Record]

    @classmethod
    def from_record(cls, record: Record) -> EligibilityCriterion:
        """Build a criterion from its record."""
        return cls(
            id=strawberry.ID(record.iri),
            number=record.integer("number"),
            text=record.in_language("label", "en") or record.text("label"),
            record=record,
        )

    @strawberry.field(description="The framework it belongs to.")
    async def framework(self, info: OosInfo) -> Framework | None:
        return await load_object(
            info, "framework", self.record.link("framework"), Framework.from_record
        )

    @strawberry.field(description="The clause that states it.")
    async def clause(self, info: OosInfo) -> Clause | None:
        return await load_object(info, "clause", self.record.link("clause"), Clause.from_record)
