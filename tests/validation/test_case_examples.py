"""Every example case gets the verdict its name says, citing the rule's clause, from the
library, the CLI and HTTP (A5: both directions, asserting which shape fired)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from case_support import (
    EXAMPLE_FILES,
    EXAMPLES,
    Client,
    as_of_of,
    conforms_expected,
    expected_of,
)
from typer.testing import CliRunner

from oos_kg.cli import app as cli
from oos_kg.namespaces import OOSSH
from oos_kg.validation import FRAMEWORKS, CaseValidator, parse_case, rules_of

IDS = [str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES]


def test_examples_exist_for_every_rule_and_framework() -> None:
    assert EXAMPLE_FILES, f"no example cases under {EXAMPLES}"
    named = {rule for path in EXAMPLE_FILES for rule in expected_of(path)[1]}
    every_rule = {r.rule_id for code in FRAMEWORKS for r in rules_of(code).values()}
    assert every_rule - named == set(), "rules without a violating example"
    assert named - every_rule == set(), "examples naming no rule"
    for code in FRAMEWORKS:
        assert (EXAMPLES / code / "conforms.ttl").is_file(), code


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=IDS)
def test_example_first_line_says_what_it_shows(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    framework, rules = expected_of(path)
    if path.stem.startswith("pending-"):
        assert first.startswith(f"# Pending {path.stem.removeprefix('pending-')} only: ")
    elif rules:
        assert first.startswith(f"# Breaks {next(iter(rules))} only: ")
    else:
        assert first.startswith("# Conforms")


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=IDS)
def test_example_verdict_from_the_library(path: Path, validator: CaseValidator) -> None:
    framework, rules = expected_of(path)
    report = validator.validate(
        parse_case(path.read_bytes(), "turtle"), framework, as_of=as_of_of(path)
    )
    assert report.conforms is conforms_expected(path)
    assert {r.shape for r in report.results} == {str(OOSSH[rule]) for rule in rules}
    for result in report.results:
        assert result.rule is not None and result.clause is not None
        assert result.clause.iri == result.rule.clause_for(framework)
        assert result.clause.label, f"{result.clause.iri} has no label in the graph"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=IDS)
def test_example_verdict_from_the_cli(path: Path) -> None:
    framework, rules = expected_of(path)
    as_of = as_of_of(path)
    args = ["validate", str(path), "-f", framework, "--format", "json"]
    args += ["--as-of", as_of.isoformat()] if as_of else []
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == (0 if conforms_expected(path) else 1), result.output
    body = json.loads(result.stdout)
    assert body["conforms"] is conforms_expected(path)
    assert {r["rule"] for f in body["files"] for r in f["results"]} == rules


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=IDS)
def test_example_verdict_over_http(path: Path, client: Client) -> None:
    framework, rules = expected_of(path)
    as_of = as_of_of(path)
    response = client.post(
        "/validate",
        params={"framework": framework, **({"as_of": as_of.isoformat()} if as_of else {})},
        content=path.read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforms"] is conforms_expected(path)
    assert {r["shape"] for r in body["results"]} == {str(OOSSH[rule]) for rule in rules}
    for r in body["results"]:
        assert r["clause"]["iri"].startswith("https://w3id.org/oos-kg/id/")
        assert r["clause"]["label"]
        assert r["message"] and r["severity"] in ("Violation", "Warning", "Info")
