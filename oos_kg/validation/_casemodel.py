"""A small Python model of an OOS provision case, rendered as Turtle (examples, generator)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = ["CaseSpec", "Notification", "TestResult", "render_turtle"]


@dataclass(slots=True)
class TestResult:
    """One release specification test result of the batch."""

    key: str
    kind: str
    passed: bool | None
    observed: str
    criterion: str
    safety_related: bool | None = None
    include_kind: bool = True


@dataclass(slots=True)
class Notification:
    """One submission or report to an authority."""

    key: str
    kind: str
    recipient: str
    sent_at: datetime
    made_by: str = "role-mah"
    product: str | None = None
    providable: tuple[str, ...] = ()
    linked: bool = True


@dataclass(slots=True)
class CaseSpec:
    """Everything a case graph says; ``None`` leaves a record or value out."""

    case_id: str
    framework: str
    products: list[str]
    results: list[TestResult]
    extra_batch: bool = False
    supplied_at: datetime | None = None
    administered_at: datetime | None = None
    serious: bool | None = True
    alternative_available: bool | None = False
    remanufacturing_considered: bool | None = True
    within_indication: bool | None = True
    program: str | None = None
    trial: str | None = None
    request_date: date | None = None
    request_by: str = "role-treating-physician"
    request_in_writing: bool | None = True
    request_rationale: str | None = (
        "No alternative treatment; the patient's condition does not allow waiting"
        " for remanufacture."
    )
    request_to: tuple[str, ...] = ("role-mah",)
    assessment_at: datetime | None = None
    assessment_by: str = "role-mah"
    safety_concern: bool | None = False
    decision_at: datetime | None = None
    decision_by: str = "role-treating-physician"
    decided: bool | None = True
    acceptance_at: datetime | None = None
    acceptance_by: str = "role-mah"
    consent_date: date | str | None = None
    consent_version: str | None = "1.0"
    approval_date: date | None = None
    approval_scope: str = "approval-scope-protocol"
    approval_version: str | None = "1.0"
    statement_at: datetime | None = None
    statement_failed: bool | None = True
    statement_lists_failed: bool = True
    notifications: list[Notification] = field(default_factory=list)


def _lit(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return f'"{value.isoformat().replace("+00:00", "Z")}"^^xsd:dateTime'
    if isinstance(value, date):
        return f'"{value.isoformat()}"^^xsd:date'
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    lines = [subject]
    for i, (pred, obj) in enumerate(pairs):
        end = " ." if i == len(pairs) - 1 else " ;"
        lines.append(f"    {pred} {obj}{end}")
    return "\n".join(lines)


def render_turtle(spec: CaseSpec, header: tuple[str, ...] = ()) -> str:
    """Render ``spec`` as a Turtle case graph, every node with an IRI under the case's base.

    Raises:
        Nothing.
    """
    c = "case:"
    case: list[tuple[str, str]] = [("a", "oos:OosProvisionCase")]
    blocks: list[str] = []
    if spec.acceptance_at is not None:
        case.append(("oos:acceptanceRecord", f"{c}acceptance"))
        blocks.append(
            _block(
                f"{c}acceptance",
                [
                    ("a", "oos:AcceptanceRecord"),
                    ("oos:madeBy", f"oos:{spec.acceptance_by}"),
                    ("oos:recordedAt", _lit(spec.acceptance_at)),
                ],
            )
        )
    if spec.administered_at is not None:
        case.append(("oos:administeredAt", _lit(spec.administered_at)))
    if spec.alternative_available is not None:
        case.append(("oos:alternativeTreatmentAvailable", _lit(spec.alternative_available)))
    for n in spec.notifications:
        if n.linked:
            case.append(("oos:authorityNotification", f"{c}{n.key}"))
        pairs = [("a", "oos:AuthorityNotification"), ("oos:madeBy", f"oos:{n.made_by}")]
        if n.product:
            pairs.append(("oos:notifiedProduct", n.product))
        pairs.append(("oos:notificationKind", f"oos:{n.kind}"))
        pairs += [("oos:providableTestKind", f"oos:{k}") for k in n.providable]
        pairs += [("oos:recipientKind", f"oos:{n.recipient}"), ("oos:sentAt", _lit(n.sent_at))]
        blocks.append(_block(f"{c}{n.key}", pairs))
    if spec.statement_at is not None:
        case.append(("oos:batchRecordStatement", f"{c}batch-record-statement"))
        pairs = [("a", "oos:BatchRecordStatement")]
        if spec.statement_lists_failed:
            pairs += [
                ("oos:failedParameter", f"{c}{r.key}") for r in spec.results if r.passed is False
            ]
        pairs.append(("oos:providedToPhysicianAt", _lit(spec.statement_at)))
        if spec.statement_failed is not None:
            pairs.append(("oos:statesBatchFailed", _lit(spec.statement_failed)))
        blocks.append(_block(f"{c}batch-record-statement", pairs))
    case.append(("oos:caseBatch", f"{c}batch"))
    if spec.extra_batch:
        case.append(("oos:caseBatch", f"{c}second-batch"))
        blocks.append(_block(f"{c}second-batch", [("a", "oos:Batch")]))
    case += [("oos:caseProduct", p) for p in spec.products]
    if spec.approval_date is not None:
        case.append(("oos:ethicsApproval", f"{c}ethics-approval"))
        pairs = [("a", "oos:EthicsApproval"), ("oos:approvalScope", f"oos:{spec.approval_scope}")]
        if spec.approval_version is not None:
            pairs.append(("oos:approvedConsentFormVersion", _lit(spec.approval_version)))
        pairs += [
            ("oos:ethicsApprovalDate", _lit(spec.approval_date)),
            ("oos:madeBy", "oos:role-ethics-committee"),
        ]
        blocks.append(_block(f"{c}ethics-approval", pairs))
    if spec.consent_date is not None:
        case.append(("oos:informedConsent", f"{c}consent"))
        pairs = [("a", "oos:InformedConsent"), ("oos:consentDate", _lit(spec.consent_date))]
        if spec.consent_version is not None:
            pairs.append(("oos:consentFormVersion", _lit(spec.consent_version)))
        blocks.append(_block(f"{c}consent", pairs))
    if spec.request_date is not None:
        case.append(("oos:physicianRequest", f"{c}request"))
        pairs = [("a", "oos:PhysicianRequest"), ("oos:madeBy", f"oos:{spec.request_by}")]
        if spec.request_rationale is not None:
            pairs.append(("oos:rationale", _lit(spec.request_rationale)))
        pairs += [("oos:requestAddressedTo", f"oos:{r}") for r in sorted(spec.request_to)]
        pairs.append(("oos:requestDate", _lit(spec.request_date)))
        if spec.request_in_writing is not None:
            pairs.append(("oos:requestInWriting", _lit(spec.request_in_writing)))
        blocks.append(_block(f"{c}request", pairs))
    if spec.remanufacturing_considered is not None:
        case.append(("oos:remanufacturingConsidered", _lit(spec.remanufacturing_considered)))
    if spec.assessment_at is not None:
        case.append(("oos:riskAssessment", f"{c}risk-assessment"))
        pairs = [
            ("a", "oos:RiskAssessment"),
            ("oos:madeBy", f"oos:{spec.assessment_by}"),
            ("oos:providedToPhysicianAt", _lit(spec.assessment_at)),
        ]
        if spec.safety_concern is not None:
            pairs.append(("oos:safetyConcernIdentified", _lit(spec.safety_concern)))
        blocks.append(_block(f"{c}risk-assessment", pairs))
    if spec.decision_at is not None:
        case.append(("oos:riskBenefitDecision", f"{c}decision"))
        pairs = [("a", "oos:RiskBenefitDecision"), ("oos:decidedAt", _lit(spec.decision_at))]
        if spec.decided is not None:
            pairs.append(("oos:decidedToAdminister", _lit(spec.decided)))
        pairs.append(("oos:madeBy", f"oos:{spec.decision_by}"))
        blocks.append(_block(f"{c}decision", pairs))
    if spec.serious is not None:
        case.append(("oos:seriousCondition", _lit(spec.serious)))
    if spec.supplied_at is not None:
        case.append(("oos:suppliedAt", _lit(spec.supplied_at)))
    if spec.program is not None:
        case.append(("oos:underProgram", spec.program))
    if spec.trial is not None:
        case.append(("oos:underTrial", spec.trial))
    if spec.within_indication is not None:
        case.append(("oos:withinApprovedIndication", _lit(spec.within_indication)))
    batch = [("a", "oos:Batch")] + [("oos:testResult", f"{c}{r.key}") for r in spec.results]
    blocks.append(_block(f"{c}batch", batch))
    for r in spec.results:
        pairs = [
            ("a", "oos:SpecificationTestResult"),
            ("oos:acceptanceCriterion", _lit(r.criterion)),
            ("oos:observedValue", _lit(r.observed)),
        ]
        if r.passed is not None:
            pairs.append(("oos:passed", _lit(r.passed)))
        if r.safety_related is not None:
            pairs.append(("oos:safetyRelated", _lit(r.safety_related)))
        if r.include_kind:
            pairs.append(("oos:testKind", f"oos:{r.kind}"))
        blocks.append(_block(f"{c}{r.key}", pairs))
    prefixes = [
        f"@prefix case: <https://example.org/oos-cases/{spec.case_id}/> .",
        "@prefix oos: <https://w3id.org/oos-kg/ontology#> .",
        "@prefix oosd: <https://w3id.org/oos-kg/id/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    blocks.sort()
    body = [_block(f"{c}case", case), *blocks]
    head = [f"# {line}" for line in header]
    return "\n".join(head + prefixes) + "\n\n" + "\n\n".join(body) + "\n"
