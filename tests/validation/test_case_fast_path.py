"""The fast path (shapes compiled to SPARQL on Oxigraph) gives exactly pyshacl's results: on
every example and on 1,000 generated cases, through the same parsing each path uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_support import EXAMPLE_FILES, EXAMPLES, expected_of
from rdflib import Graph

from oos_kg.validation import (
    FRAMEWORKS,
    CaseReport,
    CaseValidator,
    FastValidator,
    UnsupportedShape,
    parse_case,
    validate_bytes,
)
from oos_kg.validation._fast import compile_framework
from oos_kg.validation._generate import generate_cases

IDS = [str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES]


def results_of(report: CaseReport) -> tuple[bool, list[tuple[str, str, str, str, str]]]:
    return report.conforms, sorted(
        (r.shape, r.focus_node, r.path or "", r.value or "", r.severity) for r in report.results
    )


@pytest.fixture(scope="module")
def fast(validator: CaseValidator) -> FastValidator:
    return FastValidator(validator.facts)


@pytest.mark.parametrize("code", list(FRAMEWORKS))
def test_every_framework_compiles(code: str) -> None:
    compiled = compile_framework(code)
    assert compiled.rules and all(shape in compiled.query for shape in compiled.rules)
    for word in ("SERVICE", "LOAD", "FROM "):
        assert word not in compiled.query


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=IDS)
def test_fast_path_matches_pyshacl_on_examples(
    path: Path, validator: CaseValidator, fast: FastValidator
) -> None:
    framework, _ = expected_of(path)
    data = path.read_bytes()
    slow = validator.validate(parse_case(data, "turtle"), framework)
    assert results_of(validate_bytes(fast, data, "turtle", framework)) == results_of(slow)
    assert results_of(fast.validate(parse_case(data, "turtle"), framework)) == results_of(slow)


def test_fast_path_matches_pyshacl_on_1000_generated_cases(
    validator: CaseValidator, fast: FastValidator
) -> None:
    cases = list(generate_cases(1000, seed=20251126))
    assert {c.framework for c in cases} == set(FRAMEWORKS)
    assert 300 < sum(c.expected_rule is None for c in cases) < 700
    differing = []
    for case in cases:
        data = case.turtle.encode()
        slow = results_of(validator.validate(parse_case(data, "turtle"), case.framework))
        quick = results_of(validate_bytes(fast, data, "turtle", case.framework))
        if slow != quick:
            differing.append((case.name, slow, quick))
        assert {r[0].rsplit("/", 1)[-1] for r in slow[1]} == (
            {case.expected_rule} if case.expected_rule else set()
        ), case.name
    assert differing == []


def test_fast_path_also_reads_jsonld_and_rdfxml(fast: FastValidator) -> None:
    path = EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl"
    graph = Graph().parse(path)
    for fmt, name in (("json-ld", "jsonld"), ("xml", "rdfxml")):
        report = validate_bytes(fast, graph.serialize(format=fmt, encoding="utf-8"), name, "eu")
        assert report.fired() == {"EU-03-report-within-48h"}


def test_compiler_refuses_shacl_it_does_not_translate(tmp_path: Path) -> None:
    cases = tmp_path / "shapes" / "cases"
    cases.mkdir(parents=True)
    for name in ("common.ttl", "eu-exceptional-release.ttl"):
        text = (EXAMPLES.parent.parent / "shapes" / "cases" / name).read_text()
        if name == "common.ttl":
            text = text.replace("    sh:nodeKind sh:IRI ;", '    sh:pattern "^x" ;', 1)
        (cases / name).write_text(text)
    with pytest.raises(UnsupportedShape):
        compile_framework("eu", tmp_path)
