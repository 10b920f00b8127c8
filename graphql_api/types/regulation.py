"""Jurisdictions, frameworks, legal instruments, clauses, obligations and eligibility criteria."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from graphql_api._links import Link, Linked, linked, register
from graphql_api._records import Record, in_hours
from graphql_api.context import OosInfo
from graphql_api.types.common import SOURCES, Source
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
class Jurisdiction(Linked):
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
    def frameworks(self, info: OosInfo) -> list[Framework]:
        return linked(self, info)


@strawberry.type(description="A regulatory framework under which OOS batches reach patients.")
class Framework(Linked):
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
    def jurisdiction(self, info: OosInfo) -> Jurisdiction | None:
        return linked(self, info)

    @strawberry.field(description="The instruments it rests on.")
    def instruments(self, info: OosInfo) -> list[LegalInstrument]:
        return linked(self, info)

    @strawberry.field(description="The clauses it rests on directly.")
    def legal_basis(self, info: OosInfo) -> list[Clause]:
        return linked(self, info)

    @strawberry.field(description="Its obligations, optionally of one role.")
    def obligations(self, info: OosInfo, role: RoleCode | None = None) -> list[Obligation]:
        return linked(self, info, {"role": role})

    @strawberry.field(description="Who is eligible under it, criterion by criterion.")
    def eligibility(self, info: OosInfo) -> list[EligibilityCriterion]:
        return linked(self, info)

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


@strawberry.type(description="A law, regulation, guideline or guidance document.")
class LegalInstrument(Linked):
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
    def clauses(self, info: OosInfo) -> list[Clause]:
        return linked(self, info)


@strawberry.type(description="A subdivision of an instrument: part, section, article, item.")
class Clause(Linked):
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
    def instrument(self, info: OosInfo) -> LegalInstrument | None:
        return linked(self, info)

    @strawberry.field(description="The clause it is part of, if any.")
    def parent(self, info: OosInfo) -> Clause | None:
        return linked(self, info)

    @strawberry.field(description="Its sub-clauses.")
    def children(self, info: OosInfo) -> list[Clause]:
        return linked(self, info)

    @strawberry.field(description="The obligations it states.")
    def obligations(self, info: OosInfo) -> list[Obligation]:
        return linked(self, info)

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


@strawberry.type(description="What a role must do under a framework, by when, stated where.")
class Obligation(Linked):
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
    def role(self, info: OosInfo) -> Role | None:
        return linked(self, info)

    @strawberry.field(description="Every role that must do it.")
    def roles(self, info: OosInfo) -> list[Role]:
        return linked(self, info)

    @strawberry.field(description="The event that starts the deadline's clock.")
    def deadline_trigger(self, info: OosInfo) -> Party | None:
        return linked(self, info)

    @strawberry.field(description="The event it must come before.")
    def before_event(self, info: OosInfo) -> Party | None:
        return linked(self, info)

    @strawberry.field(description="Who reviews what is done.")
    def reviewed_by(self, info: OosInfo) -> list[Party]:
        return linked(self, info)

    @strawberry.field(description="Who is told.")
    def reported_to(self, info: OosInfo) -> list[Party]:
        return linked(self, info)

    @strawberry.field(description="The framework it belongs to.")
    def framework(self, info: OosInfo) -> Framework | None:
        return linked(self, info)

    @strawberry.field(description="The clause that states it.")
    def clause(self, info: OosInfo) -> Clause | None:
        return linked(self, info)

    @strawberry.field(description="Where the facts about it come from.")
    def source(self, info: OosInfo) -> list[Source]:
        return linked(self, info)


@strawberry.type(description="One condition a patient must meet under a framework.")
class EligibilityCriterion(Linked):
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
    def framework(self, info: OosInfo) -> Framework | None:
        return linked(self, info)

    @strawberry.field(description="The clause that states it.")
    def clause(self, info: OosInfo) -> Clause | None:
        return linked(self, info)


def _of_role(found: list[Any], args: Mapping[str, Any]) -> list[Any]:
    role = args.get("role")
    return [o for o in found if role is None or role.value in o.record.links("role")]


def _by_number(found: list[Any], args: Mapping[str, Any]) -> list[Any]:
    del args  # no arguments
    return sorted(found, key=lambda c: (c.number is None, c.number or 0, c.id))


_ROLES = Link("concept", "role", "Role")
_PARTIES = {
    "deadlineTrigger": Link("concept", "deadlineTrigger", "Party", many=False),
    "beforeEvent": Link("concept", "beforeEvent", "Party", many=False),
    "reviewedBy": Link("concept", "reviewedBy", "Party"),
    "reportedTo": Link("concept", "reportedTo", "Party"),
}
_FRAMEWORK = Link("framework", "framework", "Framework", many=False)
_CLAUSE = Link("clause", "clause", "Clause", many=False)
_OBLIGATIONS = Link("obligation", "obligation", "Obligation")

register(Party)
register(Role)
register(Jurisdiction, {"frameworks": Link("framework", "framework", "Framework")})
register(
    Framework,
    {
        "jurisdiction": Link("jurisdiction", "jurisdiction", "Jurisdiction", many=False),
        "instruments": Link("instrument", "instrument", "LegalInstrument"),
        "legalBasis": Link("clause", "clause", "Clause"),
        "obligations": Link(
            "obligation", "obligation", "Obligation", extra=("role",), finish=_of_role
        ),
        "eligibility": Link(
            "criterion", "criterion", "EligibilityCriterion", extra=("number",), finish=_by_number
        ),
        "source": SOURCES,
    },
)
register(LegalInstrument, {"clauses": Link("clause", "clause", "Clause")})
register(
    Clause,
    {
        "instrument": Link("instrument", "instrument", "LegalInstrument", many=False),
        "parent": Link("clause", "parent", "Clause", many=False),
        "children": Link("clause", "child", "Clause"),
        "obligations": _OBLIGATIONS,
        "source": SOURCES,
    },
)
register(
    Obligation,
    {
        "role": Link("concept", "role", "Role", many=False),
        "roles": _ROLES,
        **_PARTIES,
        "framework": _FRAMEWORK,
        "clause": _CLAUSE,
        "source": SOURCES,
    },
)
register(EligibilityCriterion, {"framework": _FRAMEWORK, "clause": _CLAUSE})
