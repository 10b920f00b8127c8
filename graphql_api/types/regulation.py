"""Jurisdictions, frameworks, instruments, clauses, obligations, criteria, Table 2's cells."""

from __future__ import annotations

import strawberry

from graphql_api.context import OosInfo
from graphql_api.graph import ME, Graph, found, read
from graphql_api.types.common import Party, Role, Source, language_label, sources
from graphql_api.types.vocabulary import JurisdictionCode, RoleCode, in_hours

__all__ = [
    "Cell",
    "Clause",
    "ComparisonAspect",
    "EligibilityCriterion",
    "Framework",
    "Jurisdiction",
    "LegalInstrument",
    "Obligation",
]


@strawberry.type(description="A subdivision of an instrument: part, section, article, item.")
class Clause(Graph):
    id: strawberry.ID = read(ME)
    number: str | None = read("oos:number")
    text: str | None = read("oos:clauseText", "Verbatim, where the text is the fact.")
    description: str | None = read("dcterms:description|rdfs:comment", lang="en")
    table_row: int | None = read("oos:tableRow", "Row of Table 6, for a proposition.")
    label: str | None = language_label()
    instrument: LegalInstrument | None = read("oos:inInstrument", "The instrument it belongs to.")
    parent: Clause | None = read(
        "oos:partOf", "The clause it is part of, if any.", kind="oos:Clause"
    )
    children: list[Clause] = read("^oos:partOf", "Its sub-clauses.", kind="oos:Clause")
    obligations: list[Obligation] = read(
        "^oos:statedBy", "The obligations it states.", kind="oos:Obligation"
    )
    source: list[Source] = sources()


@strawberry.type(description="A law, regulation, guideline or guidance document.")
class LegalInstrument(Graph):
    id: strawberry.ID = read(ME)
    alt_labels: list[str] = read("skos:altLabel")
    description: str | None = read("rdfs:comment", lang="en")
    label: str | None = language_label()
    clauses: list[Clause] = read("^oos:inInstrument", "All its clauses, at any level.")


@strawberry.type(description="What a role must do under a framework, by when, stated where.")
class Obligation(Graph):
    id: strawberry.ID = read(ME)
    action: str | None = read("oos:action", lang="en", fallback=True)
    deadline: str | None = read("oos:deadline", "ISO 8601 duration, e.g. PT48H.", convert=in_hours)
    framework_code: JurisdictionCode | None = read("oos:underFramework/oos:jurisdictionCode")
    label: str | None = language_label()
    role: Role | None = read("oos:bearer", "Who must do it (the first role when several share it).")
    roles: list[Role] = read("oos:bearer", "Every role that must do it.")
    deadline_trigger: Party | None = read(
        "oos:deadlineTrigger", "The event that starts the deadline's clock."
    )
    before_event: Party | None = read("oos:beforeEvent", "The event it must come before.")
    reviewed_by: list[Party] = read("oos:reviewedBy", "Who reviews what is done.")
    reported_to: list[Party] = read("oos:reportedTo", "Who is told.")
    framework: Framework | None = read("oos:underFramework", "The framework it belongs to.")
    clause: Clause | None = read("oos:statedBy", "The clause that states it.")
    source: list[Source] = sources()


@strawberry.type(description="One condition a patient must meet under a framework.")
class EligibilityCriterion(Graph):
    id: strawberry.ID = read(ME)
    number: int | None = read("oos:criterionNumber")
    text: str | None = read("rdfs:label", lang="en", fallback=True)
    framework: Framework | None = read("oos:underFramework", "The framework it belongs to.")
    clause: Clause | None = read("oos:statedBy", "The clause that states it.")


def _obligations(root: Graph, info: OosInfo, role: RoleCode | None = None) -> list[Obligation]:
    del role  # the compiler read it from the selection
    return found(root, info)


@strawberry.type(description="A regulatory framework under which OOS batches reach patients.")
class Framework(Graph):
    id: strawberry.ID = read(ME)
    code: JurisdictionCode | None = read("oos:jurisdictionCode")
    description: str | None = read("rdfs:comment", lang="en")
    label: str | None = language_label()
    jurisdiction: Jurisdiction | None = read("oos:jurisdiction", "Its jurisdiction.")
    legal_basis: list[Clause] = read(
        "oos:legalBasis", "The clauses it rests on directly.", kind="oos:Clause"
    )
    instruments: list[LegalInstrument] = read(
        "oos:legalBasis|oos:legalBasis/oos:inInstrument",
        "The instruments it rests on.",
        kind="oos:LegalInstrument",
    )
    obligations: list[Obligation] = read(
        "^oos:underFramework",
        "Its obligations, optionally of one role.",
        resolver=_obligations,
        kind="oos:Obligation",
        where={"role": "oos:bearer"},
    )
    eligibility: list[EligibilityCriterion] = read(
        "^oos:underFramework",
        "Who is eligible under it, criterion by criterion.",
        kind="oos:EligibilityCriterion",
        order="oos:criterionNumber",
    )
    source: list[Source] = sources()


@strawberry.type(description="A jurisdiction: the United States, the European Union or Japan.")
class Jurisdiction(Graph):
    id: strawberry.ID = read(ME)
    code: JurisdictionCode | None = read("oos:jurisdictionCode")
    label: str | None = language_label()
    frameworks: list[Framework] = read(
        "^oos:jurisdiction",
        "Its frameworks for OOS provision (Japan: current and proposed).",
        kind="oos:RegulatoryFramework",
    )


@strawberry.type(description="A row of Table 2: one aspect the jurisdictions are compared on.")
class ComparisonAspect(Graph):
    id: strawberry.ID = read(ME)
    table_row: int | None = read("oos:tableRow")
    label: str | None = language_label()


@strawberry.type(
    description="What one framework says on one aspect: a Table 2 cell, or a Table 6 proposition."
)
class Cell(Graph):
    id: strawberry.ID = read(ME)
    jurisdiction: JurisdictionCode = strawberry.field(default=JurisdictionCode.US)
    text: str | None = read(
        "dcterms:description|oos:clauseText",
        "The cell's text as the paper prints it.",
        lang="en",
        fallback=True,
    )
    criteria: list[EligibilityCriterion] = read(
        "oos:statement|^oos:statedBy",
        "The eligibility criteria the cell states.",
        kind="oos:EligibilityCriterion",
    )
    obligations: list[Obligation] = read(
        "oos:statement", "The obligations the cell states.", kind="oos:Obligation"
    )
    source: list[Source] = sources("Where the cell comes from.")
