"""Products, approvals, substances, trials, programs, studies (Tables 1, 3, 4, refs 11-16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from graphql_api.context import OosInfo
from graphql_api.graph import ME, Graph, found, read
from graphql_api.types.common import Organisation, Source, language_label, sources
from graphql_api.types.vocabulary import (
    ApprovalKind,
    ArmKind,
    JurisdictionCode,
    Measure,
    Modality,
    OosProvision,
    Origin,
    Registry,
)

__all__ = [
    "Approval",
    "ExpandedAccessProgram",
    "OutcomeMeasure",
    "Product",
    "Study",
    "Substance",
    "Trial",
]

TRIALS = "oos:investigatesSubstance|oos:forProduct/oos:activeSubstance"
CITED = "dcterms:source|dcterms:references|prov:hadPrimarySource"


PROGRAM, STUDY = "oos:ExpandedAccessProgram", "oos:EvidenceStudy"


def _of_substance(via: str, kind: str, description: str) -> Any:
    """The programs or studies (``kind``) of the substance reached by ``via``."""
    return read(f"{via}^oos:investigatesSubstance", description, kind=kind)


@strawberry.type(description="A marketing approval: when, of which kind, and its withdrawal.")
class Approval(Graph):
    date: dt.date | None = read("oos:approvalDate")
    kind: ApprovalKind | None = read("oos:approvalKind")
    withdrawn_on: str | None = read(
        "oos:withdrawnOn", "ISO 8601 date or year-month (the paper gives a month)."
    )
    jurisdiction: JurisdictionCode | None = read("oos:approvedIn/oos:jurisdictionCode")


@strawberry.type(description="One figure an evidence study reports for one arm.")
class OutcomeMeasure(Graph):
    id: strawberry.ID = read(ME)
    measure: Measure | None = read("oos:measure")
    arm: ArmKind | None = read("oos:ofArm/oos:armKind")
    patients: int | None = read(
        "oos:numberOfPatients|oos:ofArm/oos:numberOfPatients", "Number of patients in the arm."
    )
    value: float | None = read("oos:value")
    unit: str | None = read("oos:unit")
    ci_low: float | None = read("oos:ciLow")
    ci_high: float | None = read("oos:ciHigh")
    ci_level: float | None = read("oos:ciLevel")
    p_value: float | None = read("oos:pValue")
    source: list[Source] = sources("Where the figure comes from.")


def _measurements(
    root: Graph, info: OosInfo, measure: Measure | None = None, arm: ArmKind | None = None
) -> list[OutcomeMeasure]:
    del measure, arm  # the compiler read it from the selection
    return found(root, info)


@strawberry.type(description="An evidence study comparing OOS and commercial batches.")
class Study(Graph):
    id: strawberry.ID = read(ME)
    title: str | None = read("rdfs:label", lang="en", fallback=True)
    population: str | None = read("oos:population")
    country: str | None = read("oos:studyCountry", "ISO 3166 alpha-2 code.")
    reference_number: int | None = read(
        f"({CITED})/oos:referenceNumber", "The paper's reference number."
    )
    substance: Substance | None = read("oos:investigatesSubstance", "The active substance studied.")
    measurements: list[OutcomeMeasure] = read(
        "oos:measurement",
        "Its figures, optionally of one measure and one arm.",
        resolver=_measurements,
        where={"measure": "oos:measure", "arm": "oos:ofArm/oos:armKind"},
    )
    source: list[Source] = read(CITED, "Where the facts about it come from.")


@strawberry.type(description="A US expanded access program of Table 1.")
class ExpandedAccessProgram(Graph):
    id: strawberry.ID = read(ME)
    nct_id: str | None = read("oos:registryId", "ClinicalTrials.gov identifier.")
    title: str | None = read("rdfs:label", lang="en", fallback=True)
    summary: str | None = read("oos:overview")
    sponsor: Organisation | None = read("oos:sponsor")
    table_row: int | None = read("oos:tableRow", "The 'No' column of Table 1.")
    substance: Substance | None = read(
        "oos:investigatesSubstance", "The active substance it provides."
    )
    source: list[Source] = sources()


@strawberry.type(description="A clinical trial record of Table 4, by registry and identifier.")
class Trial(Graph):
    id: strawberry.ID = read(ME)
    registry: Registry | None = read("oos:registry")
    registry_id: str | None = read("oos:registryId", "The identifier, official spelling.")
    identifier_as_printed: str | None = read(
        "oos:identifierAsPrinted", "The paper's spelling of the identifier when it differs."
    )
    title: str | None = read("rdfs:label", lang="en", fallback=True)
    overview: str | None = read("oos:overview")
    target_patients: str | None = read("oos:targetPatients")
    table_row: int | None = read("oos:tableRow", "The 'No' column of Table 4.")
    sponsor: Organisation | None = read("oos:sponsor")
    product: Product | None = read(
        "oos:forProduct", "The approved product whose OOS batches it provides."
    )
    substance: Substance | None = read(TRIALS, "The active substance it provides.")
    source: list[Source] = sources()


@strawberry.type(description="An active substance (the common name of Tables 1, 3 and 4).")
class Substance(Graph):
    id: strawberry.ID = read(ME)
    name: str | None = read("rdfs:label", lang="en", fallback=True)
    alt_labels: list[str] = read("skos:altLabel")
    label: str | None = language_label()
    products: list[Product] = read("^oos:activeSubstance", "Products containing it.")
    oos_trials: list[Trial] = read(
        f"^({TRIALS})", "Japanese OOS clinical trials of it (Table 4).", kind="oos:ClinicalTrial"
    )
    expanded_access_programs: list[ExpandedAccessProgram] = _of_substance(
        "", PROGRAM, "US expanded access programs of it (Table 1)."
    )
    studies: list[Study] = _of_substance(
        "", STUDY, "Evidence studies of its OOS vs commercial batches."
    )
    source: list[Source] = sources()


@strawberry.type(description="A regenerative medicine product approved in Japan (Table 3).")
class Product(Graph):
    id: strawberry.ID = read(ME)
    brand_name: str | None = read("oos:brandName", "Brand name as in Table 3.")
    common_name: str | None = read("oos:commonName", "Common name as in Table 3.")
    alt_labels: list[str] = read("skos:altLabel", "Other spellings, the paper's included.")
    origin: Origin | None = read("oos:origin")
    origin_note: str | None = read("oos:originNote")
    modality: Modality | None = read("oos:modality")
    oos_provision: OosProvision | None = read("oos:oosProvisionStatus")
    approval: Approval | None = read(
        "oos:approval", having="oos:approvalDate|oos:approvalKind|oos:withdrawnOn"
    )
    mah: Organisation | None = read("oos:marketingAuthorisationHolder")
    label: str | None = language_label("The preferred label in a language (en, ja); null if none.")
    substance: Substance | None = read("oos:activeSubstance", "The product's active substance.")
    oos_trials: list[Trial] = read(
        "^oos:forProduct",
        "Japanese clinical trials providing its OOS batches (Table 4).",
        kind="oos:ClinicalTrial",
    )
    expanded_access_programs: list[ExpandedAccessProgram] = _of_substance(
        "oos:activeSubstance/", PROGRAM, "US expanded access programs for its substance (Table 1)."
    )
    studies: list[Study] = _of_substance(
        "oos:activeSubstance/",
        STUDY,
        "Evidence studies of OOS vs commercial batches of its substance.",
    )
    source: list[Source] = sources("Where the facts about this product come from.")
