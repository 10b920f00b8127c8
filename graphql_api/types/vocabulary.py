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


ONTOLOGY = str(OOS)
"""The namespace of the concepts (not ``OOS`` in the enums: ``ArmKind.OOS`` would hide it)."""


@strawberry.enum(description="Origin of a product's ingredients (Table 3).")
class Origin(Enum):
    AUTOLOGOUS = f"{ONTOLOGY}origin-autologous"
    ALLOGENEIC = f"{ONTOLOGY}origin-allogeneic"
    OTHER = f"{ONTOLOGY}origin-other"


@strawberry.enum(description="Whether and how OOS batches of a product are provided (Table 3).")
class OosProvision(Enum):
    CLINICAL_TRIAL = f"{ONTOLOGY}oos-provision-clinical-trial"
    NO = f"{ONTOLOGY}oos-provision-no"
    NOT_APPLICABLE = f"{ONTOLOGY}oos-provision-not-applicable"
    UNDER_CONSIDERATION = f"{ONTOLOGY}oos-provision-under-consideration"


@strawberry.enum(description="Kind of marketing approval (Table 3).")
class ApprovalKind(Enum):
    APPROVAL = f"{ONTOLOGY}approval-kind-approval"
    CONDITIONAL_TIME_LIMITED = f"{ONTOLOGY}approval-kind-conditional-time-limited"


@strawberry.enum(description="Therapeutic modality of a product.")
class Modality(Enum):
    CAR_T_CELL_THERAPY = f"{ONTOLOGY}modality-car-t-cell-therapy"
    CELL_SHEET = f"{ONTOLOGY}modality-cell-sheet"
    MESENCHYMAL_STEM_CELLS = f"{ONTOLOGY}modality-mesenchymal-stem-cells"
    GENE_THERAPY_VECTOR = f"{ONTOLOGY}modality-gene-therapy-vector"
    PLASMID_DNA = f"{ONTOLOGY}modality-plasmid-dna"
    ONCOLYTIC_VIRUS = f"{ONTOLOGY}modality-oncolytic-virus"


@strawberry.enum(description="Registry holding a trial or program record.")
class Registry(Enum):
    CLINICALTRIALS_GOV = f"{ONTOLOGY}registry-clinicaltrials-gov"
    JRCT = f"{ONTOLOGY}registry-jrct"
    UMIN_CTR = f"{ONTOLOGY}registry-umin-ctr"


@strawberry.enum(description="Arm of an evidence study: OOS product or commercial product.")
class ArmKind(Enum):
    OOS = f"{ONTOLOGY}arm-oos"
    COMMERCIAL = f"{ONTOLOGY}arm-commercial"


@strawberry.enum(description="Outcome measure reported by the evidence studies (refs 11-16).")
class Measure(Enum):
    CRS_GRADE_3_4 = f"{ONTOLOGY}measure-crs-grade-3-4"
    ICANS_GRADE_3_4 = f"{ONTOLOGY}measure-icans-grade-3-4"
    BEST_OVERALL_OR_COMPLETE_RESPONSE = f"{ONTOLOGY}measure-best-overall-or-complete-response"
    OVERALL_SURVIVAL_1_YEAR = f"{ONTOLOGY}measure-overall-survival-1-year"
    PROGRESSION_FREE_SURVIVAL_1_YEAR = f"{ONTOLOGY}measure-progression-free-survival-1-year"
    BEST_OVERALL_RESPONSE_3_MONTHS = f"{ONTOLOGY}measure-best-overall-response-3-months"


@strawberry.enum(description="Timing of a Table 5 item within an OOS clinical trial.")
class StreamliningTiming(Enum):
    BEFORE_START_ONE_OFF = f"{ONTOLOGY}timing-before-start-one-off"
    BEFORE_START_PERMANENT = f"{ONTOLOGY}timing-before-start-permanent"
    AFTER_START_EACH_TIME = f"{ONTOLOGY}timing-after-start-each-time"


@strawberry.enum(description="A role that bears, reviews or receives an obligation.")
class RoleCode(Enum):
    AUTHORISED_PERSON = f"{ONTOLOGY}role-authorised-person"
    ETHICS_COMMITTEE = f"{ONTOLOGY}role-ethics-committee"
    HEALTH_AUTHORITY = f"{ONTOLOGY}role-health-authority"
    MAH = f"{ONTOLOGY}role-mah"
    MEDICAL_INSTITUTION = f"{ONTOLOGY}role-medical-institution"
    PATIENT = f"{ONTOLOGY}role-patient"
    SPONSOR = f"{ONTOLOGY}role-sponsor"
    TREATING_PHYSICIAN = f"{ONTOLOGY}role-treating-physician"


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
