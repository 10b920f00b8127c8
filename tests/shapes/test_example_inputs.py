"""Each framework's conforming example exists in every input format the validator accepts
(Turtle, N-Triples, JSON-LD, RDF/XML), holds the same graph in each, and conforms in each."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from oos_kg.validation import FRAMEWORKS, INPUT_FORMATS, CaseValidator, format_for_path, parse_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cases"
SUFFIXES = {"turtle": ".ttl", "ntriples": ".nt", "jsonld": ".jsonld", "rdfxml": ".rdf"}
CASES = [(code, fmt) for code in FRAMEWORKS for fmt in sorted(INPUT_FORMATS)]


@pytest.fixture(scope="module")
def validator() -> CaseValidator:
    return CaseValidator.from_files(ROOT)


def test_every_input_format_has_a_suffix_here() -> None:
    assert set(SUFFIXES) == set(INPUT_FORMATS)


@pytest.mark.parametrize(("code", "fmt"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_conforming_example_in_every_input_format(
    code: str, fmt: str, validator: CaseValidator
) -> None:
    path = EXAMPLES / code / f"conforms{SUFFIXES[fmt]}"
    assert path.is_file(), f"no {fmt} conforming example for {code}"
    assert format_for_path(path) == fmt
    graph = parse_case(path.read_bytes(), fmt, source=path.name)
    turtle = parse_case((EXAMPLES / code / "conforms.ttl").read_bytes(), "turtle")
    assert isomorphic(graph, turtle), f"{path.name} is not conforms.ttl's graph"
    report = validator.validate(graph, code)
    assert report.conforms, [r.rule_id for r in report.results]
    assert report.results == ()
