"""Findings say what was found: the message with the case's values (SHACL's ``{?var}``
substitution, in both engines, in the language asked for), focus node and path, and the
clause by label and IRI with its text in that language or marked English only; a common rule
cites the clause of the framework the case is validated under."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_support import EXAMPLES, Client
from rdflib import Graph

from oos_kg.validation import (
    ENGINES,
    CaseValidator,
    Engine,
    KgFacts,
    parse_untrusted,
    report_to_json,
    report_to_text,
)

EU_48H = EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl"

SHAPES = """
@prefix oos: <https://w3id.org/oos-kg/ontology#> .
@prefix oossh: <https://w3id.org/oos-kg/shapes/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
oossh:COM-90-core
    a sh:PropertyShape ;
    sh:message "{$this} names {?value} through {?path}"@en , "{$this}は{?path}で{?value}を示す"@ja ;
    sh:severity sh:Violation ;
    sh:targetClass oos:OosProvisionCase ;
    sh:path oos:caseProduct ;
    sh:nodeKind sh:Literal ;
    oos:enforces <urn:clause:default> ;
    oos:enforcesUnder [ oos:caseFramework "eu" ; oos:enforces <urn:clause:eu> ] .
oossh:COM-91-sparql
    a sh:NodeShape ;
    sh:message "supplied {?when} ({?kind})"@en , "供給{?when}（{?kind}）"@ja ;
    sh:severity sh:Warning ;
    sh:targetClass oos:OosProvisionCase ;
    sh:sparql [ a sh:SPARQLConstraint ;
        sh:select '''SELECT $this ?when ?kind WHERE {
            $this <https://w3id.org/oos-kg/ontology#suppliedAt> ?when .
            BIND (DATATYPE(?when) AS ?kind) }''' ] ;
    oos:enforces <urn:clause:default> .
"""
CASE = b"""
@prefix oos: <https://w3id.org/oos-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:case> a oos:OosProvisionCase ; oos:caseProduct <urn:product> ;
    oos:suppliedAt "2025-03-02T10:00:00+09:00"^^xsd:dateTime .
"""


@pytest.fixture(scope="module")
def shapes_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    (root / "shapes" / "cases").mkdir(parents=True)
    (root / "shapes" / "cases" / "common.ttl").write_text(SHAPES, encoding="utf-8")
    for name in ("eu-exceptional-release.ttl", "pics-annex2a.ttl"):
        (root / "shapes" / "cases" / name).write_text("", encoding="utf-8")
    return root


@pytest.mark.parametrize("engine", ENGINES)
def test_messages_carry_the_values_in_each_language(shapes_root: Path, engine: Engine) -> None:
    validator = CaseValidator(KgFacts(Graph(), {}), root=shapes_root, engine=engine)
    report = validator.validate(parse_untrusted(CASE, "turtle"), "eu")
    by_rule = {r.rule_id: r for r in report.results}
    core, sparql = by_rule["COM-90-core"], by_rule["COM-91-sparql"]
    assert core.message("en") == (
        "urn:case names urn:product through https://w3id.org/oos-kg/ontology#caseProduct"
    )
    assert core.message("ja") == (
        "urn:caseはhttps://w3id.org/oos-kg/ontology#caseProductでurn:productを示す"
    )
    assert sparql.message("en") == (
        "supplied 2025-03-02T10:00:00+09:00 (http://www.w3.org/2001/XMLSchema#dateTime)"
    )
    assert sparql.message("ja") == (
        "供給2025-03-02T10:00:00+09:00（http://www.w3.org/2001/XMLSchema#dateTime）"
    )
    assert (core.focus_node, core.path) == (
        "urn:case",
        "https://w3id.org/oos-kg/ontology#caseProduct",
    )


@pytest.mark.parametrize(
    ("code", "clause"), [("eu", "urn:clause:eu"), ("pics", "urn:clause:default")]
)
def test_a_common_rule_cites_the_clause_of_the_framework_validated_under(
    shapes_root: Path, code: str, clause: str
) -> None:
    validator = CaseValidator(KgFacts(Graph(), {}), root=shapes_root)
    report = validator.validate(parse_untrusted(CASE, "turtle"), code)
    assert {r.clause.iri for r in report.results if r.clause and r.rule_id == "COM-90-core"} == {
        clause
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_the_deadline_message_names_the_due_time(validator: CaseValidator, engine: Engine) -> None:
    report = CaseValidator(validator.facts, engine=engine).validate(
        parse_untrusted(EU_48H.read_bytes(), "turtle"), "eu"
    )
    (result,) = report.results
    assert "was due by 2024-02-11T08:00:00" in result.message("en")
    assert "期限は2024-02-11T08:00:00" in result.message("ja")
    assert "{?" not in result.message("en") + result.message("ja")


def test_clause_text_in_the_language_asked_or_marked_english_only(
    validator: CaseValidator,
) -> None:
    report = validator.validate(parse_untrusted(EU_48H.read_bytes(), "turtle"), "eu")
    for lang in ("en", "ja"):
        (finding,) = report_to_json(report, lang)["results"]
        clause = finding["clause"]
        assert clause["iri"].endswith("clause-ema-cat-224381-2019-notification")
        assert clause["label"] and clause["text"]
        assert clause["textLanguage"] == "en"
        assert clause["note"] == (None if lang == "en" else "(English only)")
        assert finding["focusNode"].endswith("/case")
    text = report_to_text(report, "case.ttl", "ja")
    assert "(English only)" in text and "<https://w3id.org/oos-kg/id/clause-ema" in text
    assert "(English only)" not in report_to_text(report, "case.ttl", "en")


def test_http_finding_in_japanese(client: Client) -> None:
    response = client.post(
        "/validate?framework=eu&lang=ja",
        content=EU_48H.read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 200
    (finding,) = response.json()["results"]
    assert "供給後48時間" in finding["message"] and "2024-02-11T08:00:00" in finding["message"]
    assert finding["clause"]["note"] == "(English only)"
