"""Synthetic OOS provision cases for benchmarks: about 49 triples each, deterministic by seed.

Each case is one provision of one out-of-specification batch of an autologous product (the
products of Table 3 whose origin is autologous) with the records an MAH, a hospital and an
ethics committee keep about it: the batch and its failed release tests, the physician's
request, the MAH's risk assessment, the physician's risk-benefit decision, the patient's
consent, the acceptance record, the batch-record statement of failure and a notification to an
authority, with supply, administration and notification date-times. Values are random: the
data are synthetic and say so in their graph's description; nothing here is a fact.

Case ``i`` depends only on ``(seed, i)``, so the first 10k cases of a 100k run are the 10k run.

    python -m bench.casegen 10000 --seed 1 -o var/cases.nq
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

__all__ = [
    "AUTOLOGOUS_PRODUCTS",
    "CASES_GRAPH",
    "GENERATOR_VERSION",
    "case_iri",
    "case_quads",
    "main",
    "write_cases",
]

GENERATOR_VERSION = "1"
"""Bumped whenever the output for a given (n, seed) changes; part of cache file names."""

_BASE = "https://w3id.org/oos-kg"
_OOS = f"{_BASE}/ontology#"
_ID = f"{_BASE}/id/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

CASES_GRAPH = f"{_BASE}/graph/synthetic-cases"
"""Named graph the synthetic cases are written into."""

AUTOLOGOUS_PRODUCTS = (
    "abecma",
    "breyanzi",
    "carvykti",
    "heart-sheet",
    "jacc",
    "jace",
    "jacemin",
    "kymriah",
    "nepic",
    "ocural",
    "sakracy",
    "stemirac",
    "yescarta",
)
"""Local names (after ``product-``) of the autologous products of Table 3 in data/products.ttl."""

# (test kind, safety-related, failing observed value, unit-free acceptance as documentation)
_TEST_KINDS = (
    ("sterility", True),
    ("endotoxin", True),
    ("mycoplasma", True),
    ("appearance", True),
    ("viability", False),
    ("cell-count", False),
    ("potency", False),
    ("transduction-efficiency", False),
)
_NOTIFICATIONS = (
    ("quality-defect-report", "national-competent-authority"),
    ("quality-defect-report", "ema"),
    ("supply-report", "national-competent-authority"),
    ("clinical-trial-notification", "pmda"),
    ("treatment-ind", "fda"),
)
_START = datetime(2019, 1, 1, tzinfo=UTC)
_SPAN_MINUTES = 7 * 365 * 24 * 60


def case_iri(index: int) -> str:
    """Return the IRI of case ``index`` (0-based).

    >>> case_iri(41)
    'https://w3id.org/oos-kg/id/case-0000041'

    Raises:
        ValueError: for a negative index.
    """
    if index < 0:
        raise ValueError(f"case index must be >= 0, got {index}")
    return f"{_ID}case-{index:07d}"


def _iri(value: str) -> str:
    return f"<{value}>"


def _oos(local: str) -> str:
    return f"<{_OOS}{local}>"


def _lit(value: str, datatype: str) -> str:
    return f'"{value}"^^<{_XSD}{datatype}>'


def _when(moment: datetime) -> str:
    return _lit(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime")


def _day(moment: datetime) -> str:
    return _lit(moment.strftime("%Y-%m-%d"), "date")


def _bool(value: bool) -> str:
    return _lit("true" if value else "false", "boolean")


def _case_triples(index: int, rng: random.Random) -> Iterator[tuple[str, str, str]]:
    """Yield the (subject, predicate, object) terms of one case, N-Triples syntax."""
    case = case_iri(index)
    node = {
        part: _iri(f"{case}-{part}")
        for part in (
            "batch",
            "request",
            "risk",
            "decision",
            "consent",
            "acceptance",
            "statement",
            "notification",
        )
    }
    c = _iri(case)
    supplied = _START + timedelta(minutes=rng.randrange(_SPAN_MINUTES))
    requested = supplied - timedelta(days=rng.randint(1, 10))
    assessed = requested + timedelta(hours=rng.randint(2, 20))
    decided = assessed + timedelta(hours=rng.randint(1, 20))
    failed = rng.sample(_TEST_KINDS, 2 if rng.random() < 0.2 else 1)
    kind, recipient = rng.choice(_NOTIFICATIONS)

    yield c, _RDF_TYPE, _oos("OosProvisionCase")
    yield c, _oos("caseProduct"), _iri(f"{_ID}product-{rng.choice(AUTOLOGOUS_PRODUCTS)}")
    for part in node:
        prop = {
            "batch": "caseBatch",
            "request": "physicianRequest",
            "risk": "riskAssessment",
            "decision": "riskBenefitDecision",
            "consent": "informedConsent",
            "acceptance": "acceptanceRecord",
            "statement": "batchRecordStatement",
            "notification": "authorityNotification",
        }[part]
        yield c, _oos(prop), node[part]
    yield c, _oos("suppliedAt"), _when(supplied)
    yield c, _oos("administeredAt"), _when(supplied + timedelta(minutes=rng.randint(60, 2880)))
    yield c, _oos("seriousCondition"), _bool(rng.random() < 0.9)

    yield node["batch"], _RDF_TYPE, _oos("Batch")
    results = [_iri(f"{case}-result-{n}") for n in range(1, len(failed) + 1)]
    for result, (test_kind, safety) in zip(results, failed, strict=True):
        yield node["batch"], _oos("testResult"), result
        yield result, _RDF_TYPE, _oos("SpecificationTestResult")
        yield result, _oos("testKind"), _oos(f"test-kind-{test_kind}")
        yield result, _oos("observedValue"), _lit(f"{rng.uniform(40, 69):.1f}", "decimal")
        yield result, _oos("passed"), _bool(False)
        yield result, _oos("safetyRelated"), _bool(safety)

    yield node["request"], _RDF_TYPE, _oos("PhysicianRequest")
    yield node["request"], _oos("madeBy"), _oos("role-treating-physician")
    yield node["request"], _oos("requestAddressedTo"), _oos("role-mah")
    yield node["request"], _oos("requestDate"), _day(requested)
    yield node["request"], _oos("requestInWriting"), _bool(rng.random() < 0.95)

    yield node["risk"], _RDF_TYPE, _oos("RiskAssessment")
    yield node["risk"], _oos("madeBy"), _oos("role-mah")
    yield node["risk"], _oos("providedToPhysicianAt"), _when(assessed)
    yield node["risk"], _oos("safetyConcernIdentified"), _bool(rng.random() < 0.2)

    yield node["decision"], _RDF_TYPE, _oos("RiskBenefitDecision")
    yield node["decision"], _oos("madeBy"), _oos("role-treating-physician")
    yield node["decision"], _oos("decidedAt"), _when(decided)
    yield node["decision"], _oos("decidedToAdminister"), _bool(rng.random() < 0.85)

    yield node["consent"], _RDF_TYPE, _oos("InformedConsent")
    yield node["consent"], _oos("consentDate"), _day(decided)
    yield node["consent"], _oos("consentFormVersion"), _lit(f"{rng.randint(1, 4)}.0", "string")

    yield node["acceptance"], _RDF_TYPE, _oos("AcceptanceRecord")
    yield node["acceptance"], _oos("madeBy"), _oos("role-treating-physician")
    yield node["acceptance"], _oos("recordedAt"), _when(decided + timedelta(hours=1))

    yield node["statement"], _RDF_TYPE, _oos("BatchRecordStatement")
    yield node["statement"], _oos("statesBatchFailed"), _bool(rng.random() < 0.97)
    yield node["statement"], _oos("providedToPhysicianAt"), _when(assessed)
    for result in results:
        yield node["statement"], _oos("failedParameter"), result

    sent = supplied + timedelta(minutes=rng.randint(30, 96 * 60))
    yield node["notification"], _RDF_TYPE, _oos("AuthorityNotification")
    yield node["notification"], _oos("madeBy"), _oos("role-mah")
    yield node["notification"], _oos("notificationKind"), _oos(f"notification-kind-{kind}")
    yield node["notification"], _oos("recipientKind"), _oos(f"recipient-{recipient}")
    yield node["notification"], _oos("sentAt"), _when(sent)


def case_quads(index: int, seed: int, graph: str = CASES_GRAPH) -> list[str]:
    """Return case ``index`` of the ``seed`` series as N-Quads lines (without newlines).

    Raises:
        ValueError: for a negative index.
    """
    rng = random.Random(seed * 1_000_003 + index)
    g = _iri(graph)
    return [f"{s} {p} {o} {g} ." for s, p, o in _case_triples(index, rng)]


def write_cases(out: TextIO, n: int, seed: int, graph: str = CASES_GRAPH) -> int:
    """Write ``n`` cases of the ``seed`` series to ``out`` as N-Quads; return the quad count.

    The graph gets a description saying the data are synthetic.

    Raises:
        ValueError: for a negative ``n``. OSError: when writing fails.
    """
    if n < 0:
        raise ValueError(f"number of cases must be >= 0, got {n}")
    g = _iri(graph)
    out.write(
        f'{g} <http://purl.org/dc/terms/description> "Synthetic OOS provision cases for'
        f" benchmarks, written by bench/casegen.py version {GENERATOR_VERSION} with seed"
        f' {seed}; random values, not real data." {g} .\n'
    )
    count = 1
    for index in range(n):
        lines = case_quads(index, seed, graph)
        out.write("\n".join(lines))
        out.write("\n")
        count += len(lines)
    return count


def main(argv: list[str] | None = None) -> int:
    """Write synthetic cases as N-Quads to a file or standard output.

    Raises:
        SystemExit: on bad arguments (argparse).
    """
    parser = argparse.ArgumentParser(prog="python -m bench.casegen", description=__doc__)
    parser.add_argument("n", type=int, help="number of cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, help="N-Quads file (default: stdout)")
    args = parser.parse_args(argv)
    if args.output is None:
        write_cases(sys.stdout, args.n, args.seed)
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        write_cases(out, args.n, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
