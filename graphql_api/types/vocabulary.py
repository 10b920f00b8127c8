"""Enums over the ontology's controlled values: each member's value is the concept's IRI."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum

import strawberry

from oos_kg.namespaces import OOS

__all__ = [
    "ApprovalKind",
    "ArmKind",
    "JurisdictionCode",
    "Measure",
    "Modality",
    "OosProvision",
    "Origin",
    "Registry",
    "RoleCode",
    "StreamliningTiming",
    "in_hours",
]


def _oos(local_name: str) -> str:
    return str(OOS[local_name])


@strawberry.enum(description="Origin of a product's ingredients (Table 3).")
class Origin(Enum):
    AUTOLOGOUS = _oos("origin-autologous")
    ALLOGENEIC = _oos("origin-allogeneic")
    OTHER = _oos("origin-other")


@strawberry.enum(description="Whether and how OOS batches of a product are provided (Table 3).")
class OosProvision(Enum):
    CLINICAL_TRIAL = _oos("oos-provision-clinical-trial")
    NO = _oos("oos-provision-no")
    NOT_APPLICABLE = _oos("oos-provision-not-applicable")
    UNDER_CONSIDERATION = _oos("oos-provision-under-consideration")


@strawberry.enum(description="Kind of marketing approval (Table 3).")
class ApprovalKind(Enum):
    APPROVAL = _oos("approval-kind-approval")
    CONDITIONAL_TIME_LIMITED = _oos("approval-kind-conditional-time-limited")


@strawberry.enum(description="Therapeutic modality of a product.")
class Modality(Enum):
    CAR_T_CELL_THERAPY = _oos("modality-car-t-cell-therapy")
    CELL_SHEET = _oos("modality-cell-sheet")
    MESENCHYMAL_STEM_CELLS = _oos("modality-mesenchymal-stem-cells")
    GENE_THERAPY_VECTOR = _oos("modality-gene-therapy-vector")
    PLASMID_DNA = _oos("modality-plasmid-dna")
    ONCOLYTIC_VIRUS = _oos("modality-oncolytic-virus")


@strawberry.enum(description="Registry holding a trial or program record.")
class Registry(Enum):
    CLINICALTRIALS_GOV = _oos("registry-clinicaltrials-gov")
    JRCT = _oos("registry-jrct")
    UMIN_CTR = _oos("registry-umin-ctr")


@strawberry.enum(description="Arm of an evidence study: OOS product or commercial product.")
class ArmKind(Enum):
    OOS = _oos("arm-oos")
    COMMERCIAL = _oos("arm-commercial")


@strawberry.enum(description="Outcome measure reported by the evidence studies (refs 11-16).")
class Measure(Enum):
    CRS_GRADE_3_4 = _oos("measure-crs-grade-3-4")
    ICANS_GRADE_3_4 = _oos("measure-icans-grade-3-4")
    BEST_OVERALL_OR_COMPLETE_RESPONSE = _oos("measure-best-overall-or-complete-response")
    OVERALL_SURVIVAL_1_YEAR = _oos("measure-overall-survival-1-year")
    PROGRESSION_FREE_SURVIVAL_1_YEAR = _oos("measure-progression-free-survival-1-year")
    BEST_OVERALL_RESPONSE_3_MONTHS = _oos("measure-best-overall-response-3-months")


@strawberry.enum(description="Timing of a Table 5 item within an OOS clinical trial.")
class StreamliningTiming(Enum):
    BEFORE_START_ONE_OFF = _oos("timing-before-start-one-off")
    BEFORE_START_PERMANENT = _oos("timing-before-start-permanent")
    AFTER_START_EACH_TIME = _oos("timing-after-start-each-time")


@strawberry.enum(description="A role that bears, reviews or receives an obligation.")
class RoleCode(Enum):
    AUTHORISED_PERSON = _oos("role-authorised-person")
    ETHICS_COMMITTEE = _oos("role-ethics-committee")
    HEALTH_AUTHORITY = _oos("role-health-authority")
    MAH = _oos("role-mah")
    MEDICAL_INSTITUTION = _oos("role-medical-institution")
    PATIENT = _oos("role-patient")
    SPONSOR = _oos("role-sponsor")
    TREATING_PHYSICIAN = _oos("role-treating-physician")


@strawberry.enum(
    description="A jurisdiction's framework for OOS provision; JP_PROPOSED is the paper's Table 6."
)
class JurisdictionCode(Enum):
    US = "US"
    EU = "EU"
    JP = "JP"
    JP_PROPOSED = "JP_PROPOSED"


_DURATION = re.compile(
    r"(?P<sign>-?)P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def in_hours(duration: str) -> str:
    """Write a day-time ``xsd:duration`` in hours, as deadlines are stated.

    Stores may hand back a duration in canonical form ("P2D" for "PT48H"); deadlines read better
    in hours, and the two are the same value. Durations with years or months stay as they are.

    >>> in_hours("P2D"), in_hours("PT48H"), in_hours("P1DT30M"), in_hours("P1M"), in_hours("x")
    ('PT48H', 'PT48H', 'PT24H30M', 'P1M', 'x')
    """
    match = _DURATION.fullmatch(duration)
    if not match or match["Y"] or match["M"]:
        return duration
    hours = int(match["D"] or 0) * 24 + int(match["h"] or 0)
    minutes, seconds = int(match["m"] or 0), Decimal(match["s"] or 0)
    text = f"{hours}H" if hours else ""
    text += f"{minutes}M" if minutes else ""
    text += f"{format(seconds.normalize(), 'f')}S" if seconds else ""
    return f"{match['sign']}PT{text or '0S'}"
