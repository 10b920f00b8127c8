"""The engine: pyshacl-turbo on a pyoxigraph store, given our shapes only; pyshacl is the
reference. It never fetches anything a case names, and never runs shapes a case carries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from case_support import EXAMPLES
from live_service import Listener

from oos_kg.validation import ENGINES, CaseReport, CaseValidator, Engine, parse_untrusted

EU_CASE = (EXAMPLES / "eu" / "conforms.ttl").read_text(encoding="utf-8")
CASE_IRI = "https://example.org/oos-cases/eu-conforms/case"

SMUGGLED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix x: <urn:x:> .
<{case}> <http://www.w3.org/2002/07/owl#imports> <{url}/ontology.ttl> ;
    <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{url}/see-also.ttl> .
x:shape a sh:NodeShape ;
    sh:targetSubjectsOf <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:message "SMUGGLED-SPARQL-RAN" ;
        sh:select "SELECT $this WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}" ] ;
    sh:rule [ a sh:SPARQLRule ;
        sh:construct '''CONSTRUCT {{ $this <urn:x:ran> true }}
            WHERE {{ SERVICE <{url}/r> {{ ?s ?p ?o }} }}''' ] .
x:target a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ;
        sh:select "SELECT ?this WHERE {{ SERVICE <{url}/t> {{ ?this ?p ?o }} }}" ] ;
    sh:closed true ; sh:message "SMUGGLED-TARGET-RAN" .
x:owl-imports a <http://www.w3.org/2002/07/owl#Ontology> ;
    <http://www.w3.org/2002/07/owl#imports> <{url}/imports.ttl> .
"""


@pytest.fixture
def trap() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def results_of(report: CaseReport) -> list[tuple[str, str, str, str, str]]:
    return sorted(
        (r.shape, r.focus_node, r.path or "", r.value or "", r.severity) for r in report.results
    )


def test_turbo_fetches_nothing_and_runs_no_shape_of_the_case(
    validator: CaseValidator, trap: Listener
) -> None:
    assert validator.engine == "turbo"
    smuggling = EU_CASE + SMUGGLED.format(case=CASE_IRI, url=trap.url)
    plain = validator.validate(parse_untrusted(EU_CASE.encode(), "turtle"), "eu")
    report = validator.validate(parse_untrusted(smuggling.encode(), "turtle"), "eu")
    assert results_of(report) == results_of(plain) == []
    assert "SMUGGLED" not in report.report_graph.serialize(format="turtle")
    trap.assert_untouched()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_case_given_as_text_is_refused_not_fetched(
    validator: CaseValidator, trap: Listener, engine: Engine
) -> None:
    """pyshacl and pyshacl-turbo fetch a data graph given as a string that looks like a URL
    and open one that looks like a path: the validator takes only parsed cases."""
    for text in (f"{trap.url}/case.ttl", str(EXAMPLES / "eu" / "conforms.ttl")):
        with pytest.raises(TypeError, match="not str"):
            CaseValidator(validator.facts, engine=engine).validate(text, "eu")  # type: ignore[arg-type]
    trap.assert_untouched()


def test_ill_typed_literals_are_kept_and_found(validator: CaseValidator) -> None:
    """Oxigraph keeps a literal's lexical form, so a malformed date-time is reported as
    written (an rdflib graph would hand the engine a normalised or empty value)."""
    bad = EU_CASE.replace(
        '"2024-02-25T08:00:00Z"^^xsd:dateTime', '"2024-02-30T25:00:00Z"^^xsd:dateTime'
    )
    assert bad != EU_CASE
    report = validator.validate(parse_untrusted(bad.encode(), "turtle"), "eu")
    com07 = [r for r in report.results if r.rule_id == "COM-07-dates-well-formed"]
    assert [r.value for r in com07] == ["2024-02-30T25:00:00Z"]
