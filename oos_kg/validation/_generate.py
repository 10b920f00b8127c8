"""Generate realistic OOS provision cases, conforming or breaking exactly one named rule.

The same machinery writes ``examples/cases/<framework>/`` (one conforming case per framework
and one ``violates-<rule-id>.ttl`` per rule) and the benchmark's batches. Cases are fictitious:
example.org IRIs, illustrative values; products, programs and trials are KG IRIs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from oos_kg.validation._casemodel import CaseSpec, Notification, TestResult, render_turtle

__all__ = ["GeneratedCase", "MUTATIONS", "base_case", "generate_cases", "write_examples"]

D = "oosd:"
US_PROGRAMS = (
    ("program-nct03601442", "product-kymriah"),
    ("program-nct05776160", "product-yescarta"),
    ("program-nct05346835", "product-carvykti"),
    ("program-nct04400591", "product-breyanzi"),
    ("program-nct04771078", "product-abecma"),
)
JP_TRIALS = (
    ("trial-jrct1080224903", "product-kymriah"),
    ("trial-jrct2013210008", "product-yescarta"),
    ("trial-jrct2053200162", "product-breyanzi"),
    ("trial-jrct2053220006", "product-abecma"),
    ("trial-jrct2013210056", "product-stemirac"),
    ("trial-umin000029824", "product-heart-sheet"),
)
CAR_T = (
    "product-kymriah",
    "product-yescarta",
    "product-breyanzi",
    "product-abecma",
    "product-carvykti",
)
AUTOLOGOUS = (*CAR_T, "product-stemirac", "product-jace", "product-nepic", "product-ocural")
ALLOGENEIC = "product-temcel-hs"
SAFETY_KINDS = (
    "test-kind-sterility",
    "test-kind-mycoplasma",
    "test-kind-endotoxin",
    "test-kind-appearance",
)
NON_SAFETY = {
    "test-kind-viability": ("{v} %", "at least 80 %", (55, 79)),
    "test-kind-cell-count": ("{v} x 10^6 cells", "at least 100 x 10^6 cells", (40, 99)),
    "test-kind-transduction-efficiency": ("{v} %", "at least 15 %", (5, 14)),
    "test-kind-potency": ("{v} % of reference", "at least 50 % of reference", (20, 49)),
}
SAFETY_PASS = {
    "test-kind-sterility": ("no growth", "no growth"),
    "test-kind-mycoplasma": ("negative", "negative"),
    "test-kind-endotoxin": ("below 0.5 EU/mL", "below 5 EU/mL"),
    "test-kind-appearance": ("conforms", "no visible particles or discolouration"),
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def base_case(framework: str, rng: random.Random, case_id: str) -> CaseSpec:
    """Return a case that conforms to every rule of ``framework`` (and the common ones).

    Raises:
        KeyError: for an unknown framework code.
    """
    d0 = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
    program = trial = None
    if framework == "us":
        program, product = rng.choice(US_PROGRAMS)
    elif framework == "jp":
        trial, product = rng.choice(JP_TRIALS)
    elif framework == "jp-proposed":
        product = rng.choice(AUTOLOGOUS)
    else:
        product = rng.choice(CAR_T)
    kinds = [k for k in NON_SAFETY if product in CAR_T or k != "test-kind-transduction-efficiency"]
    failed = rng.sample(kinds, rng.choice((1, 1, 1, 2)))
    results = [TestResult(f"result-{k[10:]}", k, True, *SAFETY_PASS[k]) for k in SAFETY_KINDS]
    for kind in kinds:
        shown, criterion, (low, high) = NON_SAFETY[kind]
        value = rng.randint(low, high) if kind in failed else rng.randint(high + 2, high + 40)
        results.append(
            TestResult(
                f"result-{kind[10:]}", kind, kind not in failed, shown.format(v=value), criterion
            )
        )
    spec = CaseSpec(
        case_id=case_id,
        framework=framework,
        products=[D + product],
        results=results,
        supplied_at=_at(d0 + timedelta(days=3), 8),
        administered_at=_at(d0 + timedelta(days=4), 10),
        program=D + program if program else None,
        trial=D + trial if trial else None,
        request_date=d0,
        assessment_at=_at(d0 + timedelta(days=1), 10),
        decision_at=_at(d0 + timedelta(days=1), 15),
        consent_date=d0 + timedelta(days=2),
        statement_at=_at(d0, 9),
    )
    _add_framework_records(spec, framework, d0, product)
    return spec


def _add_framework_records(spec: CaseSpec, framework: str, d0: date, product: str) -> None:
    year_before = _at(d0 - timedelta(days=365), 9)
    if framework == "us":
        spec.approval_date = d0 - timedelta(days=200)
        spec.notifications.append(
            Notification(
                "treatment-ind", "notification-kind-treatment-ind", "recipient-fda", year_before
            )
        )
    elif framework == "eu":
        spec.acceptance_at = _at(d0 + timedelta(days=2), 9)
        spec.notifications += [
            Notification(
                "report-ema",
                "notification-kind-quality-defect-report",
                "recipient-ema",
                _at(d0 + timedelta(days=3), 20),
            ),
            Notification(
                "report-national-authority",
                "notification-kind-quality-defect-report",
                "recipient-national-competent-authority",
                _at(d0 + timedelta(days=4), 7),
            ),
            Notification(
                "supply-report-ema",
                "notification-kind-supply-report",
                "recipient-ema",
                _at(d0 + timedelta(days=3), 12),
            ),
            Notification(
                "supply-report-national-authority",
                "notification-kind-supply-report",
                "recipient-national-competent-authority",
                _at(d0 + timedelta(days=3), 12),
            ),
        ]
    elif framework == "pics":
        spec.request_to = ("role-authorised-person", "role-mah")
        spec.notifications.append(
            Notification(
                "supply-report",
                "notification-kind-supply-report",
                "recipient-national-competent-authority",
                _at(d0 + timedelta(days=3), 12),
                made_by="role-authorised-person",
            )
        )
    elif framework == "jp":
        spec.approval_date = d0 - timedelta(days=200)
        spec.notifications.append(
            Notification(
                "clinical-trial-notification",
                "notification-kind-clinical-trial-notification",
                "recipient-pmda",
                year_before,
            )
        )
    elif framework == "jp-proposed":
        spec.approval_date = d0 - timedelta(days=300)
        spec.approval_scope = "approval-scope-overall-flow"
        spec.approval_version = None
        spec.notifications.append(
            Notification(
                "providable-items",
                "notification-kind-providable-items",
                "recipient-pmda",
                _at(d0 - timedelta(days=400), 9),
                product=D + product,
                providable=tuple(sorted(NON_SAFETY)),
                linked=False,
            )
        )


def _failed(spec: CaseSpec) -> TestResult:
    return next(r for r in spec.results if r.passed is False)


def _passing(spec: CaseSpec) -> TestResult:
    return next(r for r in spec.results if r.passed is True)


def _note(spec: CaseSpec, key: str) -> Notification:
    return next(n for n in spec.notifications if n.key == key)


def _after_supply(spec: CaseSpec, hours: int = 30) -> datetime:
    assert spec.supplied_at is not None
    return spec.supplied_at + timedelta(hours=hours)


def _set_allogeneic(spec: CaseSpec) -> None:
    spec.products = [D + ALLOGENEIC]
    _note(spec, "providable-items").product = D + ALLOGENEIC


def _other_program(spec: CaseSpec) -> None:
    spec.program = next(D + p for p, prod in US_PROGRAMS if D + prod not in spec.products)


def _other_trial(spec: CaseSpec) -> None:
    spec.trial = next(D + t for t, prod in JP_TRIALS if D + prod not in spec.products)


def _drop_notified_kind(spec: CaseSpec) -> None:
    note = _note(spec, "providable-items")
    note.providable = tuple(k for k in note.providable if k != _failed(spec).kind)


def _set(attr: str, value: object) -> Callable[[CaseSpec], None]:
    def mutate(spec: CaseSpec) -> None:
        setattr(spec, attr, value)

    return mutate


def _later(attr: str, days: int = 6) -> Callable[[CaseSpec], None]:
    def mutate(spec: CaseSpec) -> None:
        assert spec.administered_at is not None
        later = spec.administered_at + timedelta(days=days)
        setattr(spec, attr, later.date() if attr.endswith("date") else later)

    return mutate


def _note_after_supply(key: str, hours: int = 30) -> Callable[[CaseSpec], None]:
    def mutate(spec: CaseSpec) -> None:
        _note(spec, key).sent_at = _after_supply(spec, hours)

    return mutate


def _result(attr: str, value: object, failed: bool) -> Callable[[CaseSpec], None]:
    def mutate(spec: CaseSpec) -> None:
        setattr(_failed(spec) if failed else _passing(spec), attr, value)

    return mutate


def _second_product(spec: CaseSpec) -> None:
    spec.products.append(D + next(p for p in CAR_T if D + p not in spec.products))


def _all_pass(spec: CaseSpec) -> None:
    for r in spec.results:
        r.passed = True


def _string_consent_date(spec: CaseSpec) -> None:
    spec.consent_date = str(spec.consent_date)


def _assessment_before_request(spec: CaseSpec) -> None:
    assert spec.request_date is not None
    spec.assessment_at = _at(spec.request_date - timedelta(days=1), 10)


def _decision_before_assessment(spec: CaseSpec) -> None:
    assert spec.assessment_at is not None
    spec.decision_at = spec.assessment_at - timedelta(hours=2)


MUTATIONS: dict[str, tuple[str, str, Callable[[CaseSpec], None]]] = {
    # rule id: (framework it is shown under, what the mutation breaks, mutation)
    "COM-01-safety-failure-not-supplied": (
        "eu",
        "the failed test is marked safety-related, yet the batch was supplied",
        _result("safety_related", True, True),
    ),
    "COM-02-one-product": ("eu", "the case names two products", _second_product),
    "COM-03-one-batch": ("eu", "the case names two batches", _set("extra_batch", True)),
    "COM-04-batch-failed-specification": (
        "eu",
        "every release test passed, so the batch is not out of specification",
        _all_pass,
    ),
    "COM-05-result-pass-fail": (
        "eu",
        "a test result does not say whether it passed",
        _result("passed", None, False),
    ),
    "COM-06-result-test-kind": (
        "eu",
        "a test result does not name its test kind",
        _result("include_kind", False, False),
    ),
    "COM-07-dates-well-formed": (
        "eu",
        "the consent date is a plain string, not an xsd:date",
        _string_consent_date,
    ),
    "US-01-program-covers-product": (
        "us",
        "the expanded access program is for another substance",
        _other_program,
    ),
    "US-02-approved-indication": (
        "us",
        "the prescribed use is outside the approved indication",
        _set("within_indication", False),
    ),
    "US-03-no-safety-concern": (
        "us",
        "the risk assessment found a safety concern",
        _set("safety_concern", True),
    ),
    "US-04-serious-condition": (
        "us",
        "the patient's condition is not serious",
        _set("serious", False),
    ),
    "US-05-no-alternative-therapy": (
        "us",
        "an alternative therapy was available",
        _set("alternative_available", True),
    ),
    "US-06-irb-approval-before-administration": (
        "us",
        "the IRB approved the protocol after administration",
        _later("approval_date"),
    ),
    "US-07-consent-on-approved-icf": (
        "us",
        "consent was given on an ICF version the IRB did not approve",
        _set("consent_version", "2.0"),
    ),
    "US-08-treatment-ind-before-supply": (
        "us",
        "the treatment IND was submitted after supply",
        _note_after_supply("treatment-ind"),
    ),
    "US-09-physician-request-before-supply": (
        "us",
        "the physician's request is dated after supply",
        _later("request_date"),
    ),
    "US-10-risk-assessment-before-supply": (
        "us",
        "the MAH's risk assessment reached the physician after supply",
        _later("assessment_at"),
    ),
    "EU-01-physician-request-before-supply": (
        "eu",
        "the request was made by the MAH, not the treating physician",
        _set("request_by", "role-mah"),
    ),
    "EU-02-risk-assessment-after-request": (
        "eu",
        "the risk assessment predates the physician's request",
        _assessment_before_request,
    ),
    "EU-03-report-within-48h": (
        "eu",
        "the report to the EMA was sent 50 h after supply",
        _note_after_supply("report-ema", 50),
    ),
    "EU-04-acceptance-documented": (
        "eu",
        "the acceptance was recorded by the physician, not documented by the MAH",
        _set("acceptance_by", "role-treating-physician"),
    ),
    "EU-05-patient-informed-before-administration": (
        "eu",
        "the patient was informed after administration",
        _later("consent_date"),
    ),
    "EU-06-no-alternative-treatment": (
        "eu",
        "an alternative treatment was available",
        _set("alternative_available", True),
    ),
    "EU-08-provision-reported-within-48h": (
        "eu",
        "the report of the provision to the supervisory authority was sent 49 h after supply",
        _note_after_supply("supply-report-national-authority", 49),
    ),
    "PICS-01-exceptional-circumstances": (
        "pics",
        "an alternative treatment was available",
        _set("alternative_available", True),
    ),
    "PICS-02-written-request-with-rationale": (
        "pics",
        "the physician's request was not in writing",
        _set("request_in_writing", False),
    ),
    "PICS-03-batch-record-states-failure": (
        "pics",
        "the batch record statement omits the failed parameter",
        _set("statement_lists_failed", False),
    ),
    "PICS-04-mah-risk-evaluation": (
        "pics",
        "the MAH's risk evaluation reached the physician after supply",
        _later("assessment_at"),
    ),
    "PICS-05-physician-decides": (
        "pics",
        "the administration decision is recorded as the MAH's",
        _set("decision_by", "role-mah"),
    ),
    "PICS-06-supply-reported": (
        "pics",
        "the supply was reported by the MAH, not the Authorised Person",
        lambda s: setattr(_note(s, "supply-report"), "made_by", "role-mah"),
    ),
    "JP-01-ctn-before-supply": (
        "jp",
        "the clinical trial notification was submitted after supply",
        _note_after_supply("clinical-trial-notification"),
    ),
    "JP-02-trial-for-product": ("jp", "the clinical trial is for another product", _other_trial),
    "JP-03-irb-approval-before-administration": (
        "jp",
        "the IRB approved the trial after administration",
        _later("approval_date"),
    ),
    "JP-04-consent-before-administration": (
        "jp",
        "consent was obtained after administration",
        _later("consent_date"),
    ),
    "JP-05-physician-request-before-supply": (
        "jp",
        "the physician's request is dated after supply",
        _later("request_date"),
    ),
    "JP-06-risk-assessment-before-supply": (
        "jp",
        "the MAH's risk assessment reached the physician after supply",
        _later("assessment_at"),
    ),
    "JPP-01-autologous-product": ("jp-proposed", "the product is allogeneic", _set_allogeneic),
    "JPP-02-failed-item-notified": (
        "jp-proposed",
        "the failed item is not among those the MAH notified for the product",
        _drop_notified_kind,
    ),
    "JPP-03-ec-approved-flow-before-administration": (
        "jp-proposed",
        "the ethics committee approved the flow after administration",
        _later("approval_date"),
    ),
    "JPP-04-serious-condition": (
        "jp-proposed",
        "the patient's condition is not serious",
        _set("serious", False),
    ),
    "JPP-05-no-alternative-treatment": (
        "jp-proposed",
        "an alternative treatment was available",
        _set("alternative_available", True),
    ),
    "JPP-06-consent-before-administration": (
        "jp-proposed",
        "consent was obtained after administration",
        _later("consent_date"),
    ),
    "JPP-07-risk-benefit-after-assessment": (
        "jp-proposed",
        "the physician decided before receiving the MAH's risk assessment",
        _decision_before_assessment,
    ),
    "JPP-08-physician-request-before-supply": (
        "jp-proposed",
        "the physician's request is dated after supply",
        _later("request_date"),
    ),
    "JPP-09-remanufacturing-considered": (
        "jp-proposed",
        "remanufacturing was not considered (a warning)",
        _set("remanufacturing_considered", False),
    ),
}
"""Every rule, the framework its violating example is validated under, and how it is broken."""

COMMON_FRAMEWORKS = ("eu", "pics")
"""Frameworks under which the common rules' mutations break exactly one rule."""

_FICTITIOUS = (
    "Fictitious case for testing; values are illustrative, not any product's specification."
)


@dataclass(frozen=True, slots=True)
class GeneratedCase:
    """One generated case and the verdict it must get.

    Attributes:
        name: a file stem. framework: the framework code. expected_rule: the only rule it
        breaks, or None when it conforms. turtle: the case graph.
    """

    name: str
    framework: str
    expected_rule: str | None
    turtle: str


def _rules_for(framework: str) -> list[str]:
    own = [r for r, (fw, _, _) in MUTATIONS.items() if fw == framework and not r.startswith("COM-")]
    common = (
        [r for r in MUTATIONS if r.startswith("COM-")] if framework in COMMON_FRAMEWORKS else []
    )
    return own + common


def generate_cases(
    n: int,
    seed: int,
    *,
    frameworks: tuple[str, ...] = ("us", "eu", "pics", "jp", "jp-proposed"),
    violating_share: float = 0.5,
) -> Iterator[GeneratedCase]:
    """Yield ``n`` cases, deterministic by ``seed``: a known mix of conforming and violating.

    Args:
        n: how many cases. seed: the random seed. frameworks: the codes to spread over.
        violating_share: the share of cases that break exactly one rule.

    Raises:
        KeyError: for an unknown framework code.
    """
    rng = random.Random(seed)
    for i in range(n):
        framework = frameworks[i % len(frameworks)]
        case_id = f"{framework}-{seed}-{i:06d}"
        spec = base_case(framework, rng, case_id)
        rule = rng.choice(_rules_for(framework)) if rng.random() < violating_share else None
        if rule is not None:
            MUTATIONS[rule][2](spec)
        name = f"{case_id}-{'violates-' + rule if rule else 'conforms'}"
        what = f"breaks {rule}: {MUTATIONS[rule][1]}" if rule else "conforms"
        yield GeneratedCase(name, framework, rule, render_turtle(spec, (what, _FICTITIOUS)))


def write_examples(root: Path, seed: int = 2025) -> list[Path]:
    """Write ``examples/cases/<framework>/`` under ``root``: conforming cases and one per rule.

    Raises:
        OSError: when a file cannot be written.
    """
    written: list[Path] = []
    frameworks = sorted(
        {fw for fw, _, _ in MUTATIONS.values()} | {"us", "eu", "pics", "jp", "jp-proposed"}
    )
    for framework in frameworks:
        folder = root / "examples" / "cases" / framework
        folder.mkdir(parents=True, exist_ok=True)
        spec = base_case(framework, random.Random(f"{seed}-{framework}"), f"{framework}-conforms")
        path = folder / "conforms.ttl"
        path.write_text(
            render_turtle(
                spec, (f"Conforms to every {framework} rule and every common rule.", _FICTITIOUS)
            )
        )
        written.append(path)
    for rule, (framework, what, mutate) in MUTATIONS.items():
        folder_name = "common" if rule.startswith("COM-") else framework
        folder = root / "examples" / "cases" / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        spec = base_case(framework, random.Random(f"{seed}-{rule}"), f"{framework}-{rule.lower()}")
        mutate(spec)
        header = (f"Breaks {rule} only: {what}.", f"framework: {framework}", _FICTITIOUS)
        path = folder / f"violates-{rule}.ttl"
        path.write_text(render_turtle(spec, header))
        written.append(path)
    return written
