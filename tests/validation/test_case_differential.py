"""One verdict, whichever engine: pyshacl-turbo (ours) and pyshacl (the reference) give the
same results (focus node, path, value, severity, source shape) and obligation statuses on
cases generated around what date logic gets wrong: date-only and date-time values, time-zone
offsets, equal instants, and reports 47:59, 48:00 and 48:01 after supply."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from case_support import EXAMPLE_FILES, EXAMPLES, expected_of

from oos_kg.validation import CaseReport, CaseValidator, parse_case, parse_untrusted

SEED = 20261206
CASES = 48
OFFSETS = [UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))]
OFFSETS += [timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-12))]
BOUNDARIES = [timedelta(hours=47, minutes=59), timedelta(hours=48), timedelta(hours=48, minutes=1)]
LITERAL = re.compile(r'"([^"]*)"\^\^xsd:(dateTime|date)\b')
SUPPLIED = re.compile(r'oos:suppliedAt "([^"]*)"\^\^xsd:dateTime')
SENT_BY_MAH = re.compile(r'(oos:sentAt )"[^"]*"(\^\^xsd:dateTime)')


@dataclass(frozen=True)
class Generated:
    name: str
    framework: str
    turtle: str
    as_of: datetime
    ill_typed: bool


def _render(instant: datetime, rng: random.Random) -> str:
    """The same instant, written in a random offset (``Z`` or ``+00:00`` for UTC)."""
    text = instant.astimezone(rng.choice(OFFSETS)).isoformat()
    return text.replace("+00:00", "Z") if rng.random() < 0.5 else text


def _mutate_literal(match: re.Match[str], rng: random.Random, ill_typed: bool) -> str:
    value, kind = match.group(1), match.group(2)
    roll = rng.random() if ill_typed else 1.0
    if kind == "date":
        if roll < 0.15:  # a date written as a date-time, midnight in some offset
            return f'"{value}T00:00:00{rng.choice(["Z", "+09:00", "-05:00"])}"^^xsd:dateTime'
        if roll < 0.2:
            return f'"{value}T00:00:00"^^xsd:date'  # ill-formed
        return match.group(0)
    instant = datetime.fromisoformat(value)
    if roll < 0.1:
        return f'"{value[:10]}"^^xsd:date'  # a date-only value where a date-time belongs
    if roll < 0.15:
        return f'"{value[:10]}"^^xsd:dateTime'  # ill-formed date-time
    if roll < 0.22:
        return f'"{value[:19]}"^^xsd:dateTime'  # no time zone
    return f'"{_render(instant, rng)}"^^xsd:dateTime'  # the same instant, another offset


def generate(count: int, seed: int) -> Iterator[Generated]:
    rng = random.Random(seed)
    bases = [(p, *expected_of(p)) for p in EXAMPLE_FILES]
    eu = [b for b in bases if b[1] == "eu"]
    for n in range(count):
        path, framework, _ = rng.choice(eu if n % 2 == 0 else bases)
        text = path.read_text(encoding="utf-8")
        supplied_match = SUPPLIED.search(text)
        supplied = datetime.fromisoformat(supplied_match.group(1)) if supplied_match else None
        if supplied is not None and rng.random() < 0.6:
            # the reports at a boundary or at the instant of supply, in other offsets
            gap = rng.choice([*BOUNDARIES, timedelta(0)])
            sent = supplied + gap
            text = SENT_BY_MAH.sub(
                lambda m, at=sent: f'{m.group(1)}"{_render(at, rng)}"{m.group(2)}',  # type: ignore[misc]
                text,
            )
        ill_typed = n % 3 == 2
        text = LITERAL.sub(lambda m, bad=ill_typed: _mutate_literal(m, rng, bad), text)  # type: ignore[misc]
        base = supplied or datetime(2025, 1, 1, tzinfo=UTC)
        as_of = (base + rng.choice([*BOUNDARIES, timedelta(hours=10), timedelta(0)])).astimezone(
            rng.choice(OFFSETS)
        )
        name = f"{n:03d}-{path.parent.name}-{path.stem}"
        yield Generated(name, framework, text, as_of, ill_typed)


def _value(text: str | None) -> str:
    """A value as its instant when it is a date-time with an offset (``Z`` is ``+00:00``)."""
    if text is None:
        return ""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text
    return parsed.isoformat() if parsed.tzinfo is not None and "T" in text else text


def results_of(report: CaseReport) -> tuple[object, ...]:
    """What both engines must agree on: verdict, results, obligation statuses."""
    results = sorted(
        (r.shape, r.focus_node, r.path or "", _value(r.value), r.severity) for r in report.results
    )
    obligations = [(o.obligation, o.status, o.due) for o in report.obligations]
    return report.conforms, results, obligations


@pytest.fixture(scope="module")
def reference(validator: CaseValidator) -> CaseValidator:
    return CaseValidator(validator.facts, engine="pyshacl")


def test_generator_covers_what_it_says() -> None:
    cases = list(generate(CASES, SEED))
    text = "\n".join(c.turtle for c in cases)
    assert re.search(r'"\d{4}-\d\d-\d\d"\^\^xsd:dateTime', text)  # date-only as date-time
    assert re.search(r'oos:(suppliedAt|administeredAt) "\d{4}-\d\d-\d\d"\^\^xsd:date\b', text)
    assert re.search(r'"[^"]*T\d\d:\d\d:\d\d"\^\^xsd:dateTime', text)  # no offset
    assert "+09:00" in text and "-05:00" in text and "+05:30" in text
    assert {c.framework for c in cases} >= {"eu", "us", "jp", "pics", "jp-proposed"}
    assert 10 < sum(c.ill_typed for c in cases) < 30


def test_both_engines_agree_on_generated_cases(
    validator: CaseValidator, reference: CaseValidator
) -> None:
    """Both engines read the same quads (Oxigraph's parse: ill-typed literals as written)."""
    differing = []
    for case in generate(CASES, SEED):
        quads = parse_untrusted(case.turtle.encode(), "turtle")
        ours = validator.validate(quads, case.framework, as_of=case.as_of)
        theirs = reference.validate(quads, case.framework, as_of=case.as_of)
        if results_of(ours) != results_of(theirs):
            differing.append((case.name, results_of(ours), results_of(theirs)))
    assert differing == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_both_engines_agree_on_every_example(
    path: Path, validator: CaseValidator, reference: CaseValidator
) -> None:
    framework, _ = expected_of(path)
    data = path.read_bytes()
    assert results_of(validator.validate(parse_untrusted(data, "turtle"), framework)) == (
        results_of(reference.validate(parse_case(data, "turtle"), framework))
    )


ORDER_RULES = {
    "us": {"US-08-treatment-ind-before-supply", "US-10-risk-assessment-before-supply"},
    "eu": {
        "EU-02-risk-assessment-after-request",
        # no due time can be computed: the 48-hour reports stay pending, never fulfilled
        "EU-03-report-within-48h-pending",
        "EU-08-provision-reported-within-48h-pending",
    },
    "pics": {"PICS-04-mah-risk-evaluation"},
    "jp": {"JP-01-ctn-before-supply", "JP-06-risk-assessment-before-supply"},
    "jp-proposed": {"JPP-02-failed-item-notified", "JPP-07-risk-benefit-after-assessment"},
}
"""The rules of each framework that need a record to come before, or a report within 48 h
of, the supply."""

UNORDERED_SUPPLY = {
    "date-only": lambda t: f'"{t[:10]}"^^xsd:date',
    "no-time-zone": lambda t: f'"{t[:19]}"^^xsd:dateTime',
    "ill-formed": lambda t: f'"{t[:10]}"^^xsd:dateTime',
}


@pytest.mark.parametrize("kind", sorted(UNORDERED_SUPPLY))
@pytest.mark.parametrize("framework", sorted(ORDER_RULES))
def test_a_supply_time_that_cannot_be_ordered_is_found_not_passed(
    framework: str, kind: str, validator: CaseValidator, reference: CaseValidator
) -> None:
    """A supply time that is no zoned date-time is reported by COM-07, and every rule that
    needs a record before the supply fires (the order cannot be shown) in both engines."""
    text = (EXAMPLES / framework / "conforms.ttl").read_text(encoding="utf-8")
    changed = SUPPLIED.sub(lambda m: f"oos:suppliedAt {UNORDERED_SUPPLY[kind](m.group(1))}", text)
    assert changed != text
    quads = parse_untrusted(changed.encode(), "turtle")
    ours = validator.validate(quads, framework)
    assert results_of(ours) == results_of(reference.validate(quads, framework))
    assert ours.fired() == {"COM-07-dates-well-formed"} | ORDER_RULES[framework]
    (finding,) = (r for r in ours.results if r.rule_id == "COM-07-dates-well-formed")
    assert finding.path == "https://w3id.org/oos-kg/ontology#suppliedAt"
    assert "suppliedAt" in finding.message("en") and "xsd:dateTime" in finding.message("en")
    timed = {o.obligation: (o.status, o.due) for o in ours.obligations if o.status != "fulfilled"}
    if framework == "eu":
        assert timed["https://w3id.org/oos-kg/id/obligation-eu-mah-quality-defect-report"] == (
            "pending",
            None,
        )


def test_the_48_hour_reports_of_a_case_not_yet_supplied_are_pending_not_fulfilled(
    validator: CaseValidator, reference: CaseValidator
) -> None:
    """A case entered before its supply (no supply time yet) owes both EU 48 h reports once
    it is supplied: they are pending with no due time, in both engines, never fulfilled."""
    text = (EXAMPLES / "eu" / "conforms.ttl").read_text(encoding="utf-8")
    changed = SUPPLIED.sub("", text)
    assert changed != text
    quads = parse_untrusted(changed.encode(), "turtle")
    ours = validator.validate(quads, "eu")
    assert results_of(ours) == results_of(reference.validate(quads, "eu"))
    timed = {o.obligation: (o.status, o.due) for o in ours.obligations}
    for report in ("quality-defect-report", "report-each-provision"):
        assert timed[f"https://w3id.org/oos-kg/id/obligation-eu-mah-{report}"] == ("pending", None)
