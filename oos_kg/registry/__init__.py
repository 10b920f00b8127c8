"""The case registry: OOS supplies recorded as versioned case graphs, followed and reported."""

from __future__ import annotations

from oos_kg.registry._access import CaseNotFound, Forbidden, Unauthorized
from oos_kg.registry._backend import CaseBackend, LocalBackend, RemoteBackend, open_case_backend
from oos_kg.registry._content import MAX_LITERAL_CHARS, CaseContent, parse_content
from oos_kg.registry._intake import Intake, PooledIntake, local_intake
from oos_kg.registry._registry import (
    CaseStatus,
    Registry,
    StoredVersion,
    VersionConflict,
    Written,
)
from oos_kg.registry._reports import MIN_CELL, REPORT_KINDS, Report, make_report
from oos_kg.registry._tokens import ROLES, Caller, Role, TokenRecord, TokenStore
from oos_kg.registry._verdict import Check, Finding, ObligationRecord, Verdict, validation_check
from oos_kg.registry._vocab import CASE_BASE, REG, case_iri

__all__ = [
    "CASE_BASE",
    "MAX_LITERAL_CHARS",
    "MIN_CELL",
    "REG",
    "REPORT_KINDS",
    "ROLES",
    "Caller",
    "CaseBackend",
    "CaseContent",
    "CaseNotFound",
    "CaseStatus",
    "Check",
    "Finding",
    "Forbidden",
    "Intake",
    "LocalBackend",
    "ObligationRecord",
    "PooledIntake",
    "Registry",
    "RemoteBackend",
    "Report",
    "Role",
    "StoredVersion",
    "TokenRecord",
    "TokenStore",
    "Unauthorized",
    "Verdict",
    "VersionConflict",
    "Written",
    "case_iri",
    "local_intake",
    "make_report",
    "open_case_backend",
    "parse_content",
    "validation_check",
]
