"""What the registry keeps of a validation: its findings and its obligations' statuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from oos_kg.registry._content import CaseContent
from oos_kg.validation import CaseReport, CaseValidator

__all__ = ["Check", "Finding", "ObligationRecord", "Verdict", "validation_check"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One validation result of a version: rule id, shape, severity and clause."""

    rule: str
    shape: str
    severity: str
    clause: str | None
    focus_node: str
    path: str | None
    value: str | None


@dataclass(frozen=True, slots=True)
class ObligationRecord:
    """An obligation's status as the validator gave it when the version was received."""

    obligation: str
    label: str
    clause: str | None
    bearer: str
    status: str
    due: datetime | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of validating one version."""

    conforms: bool
    findings: tuple[Finding, ...]
    obligations: tuple[ObligationRecord, ...]


Check = Callable[[CaseContent, str, datetime], Verdict]
"""Validate a version's content against a framework, obligations as of a time."""


def verdict_of(report: CaseReport) -> Verdict:
    """Keep what the registry stores of a validation report.

    Raises:
        Nothing.
    """
    findings = tuple(
        Finding(
            rule=r.rule_id,
            shape=r.shape,
            severity=r.severity,
            clause=r.clause.iri if r.clause is not None else None,
            focus_node=r.focus_node,
            path=r.path,
            value=r.value,
        )
        for r in report.results
    )
    kept = tuple(
        ObligationRecord(o.obligation, o.label, o.clause, o.bearer, o.status, o.due)
        for o in report.obligations
    )
    return Verdict(report.conforms, findings, kept)


def validation_check(validator: CaseValidator) -> Check:
    """Return the registry's check: ``validator`` (pyshacl-turbo, as ``POST /validate``).

    Obligation statuses are the validator's as of the time the version is received; the
    registry's queries turn a stored ``pending`` into ``overdue`` once its due time passes.

    Raises:
        Nothing; the returned check raises InputError for a graph without a case.
    """

    def check(content: CaseContent, framework: str, as_of: datetime) -> Verdict:
        return verdict_of(validator.validate(content.parsed, framework, as_of=as_of))

    return check
