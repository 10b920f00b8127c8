"""``POST /validate`` takes untrusted case graphs: it never fetches (owl:imports, JSON-LD
contexts, XML entities), never reads a local file into an answer, never runs shapes, rules
or SPARQL smuggled inside a case, and answers pathological input with a 4xx within seconds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from live_service import LEAKS, Listener, Service, assert_clean_4xx

ROOT = Path(__file__).resolve().parents[2]
EU_CASE = (ROOT / "examples" / "cases" / "eu" / "conforms.ttl").read_text("utf-8")
TURTLE = {"Content-Type": "text/turtle"}
JSONLD = {"Content-Type": "application/ld+json"}
RDFXML = {"Content-Type": "application/rdf+xml"}
QUICK_S = 10.0
SECRET = Path("/etc/hostname")


def validate(server: Service, body: str | bytes, headers: dict[str, str]) -> httpx.Response:
    started = time.monotonic()
    response = server.post("/validate?framework=eu", content=body, headers=headers)
    assert time.monotonic() - started < QUICK_S, "validation took too long"
    assert response.status_code < 500, response.text[:500]
    return response


def test_validate_is_served(server: Service) -> None:
    response = validate(server, EU_CASE, TURTLE)
    assert response.status_code == 200, response.text[:500]
    assert "conforms" in response.json()


def test_owl_imports_in_a_case_are_never_fetched(server: Service, trap: Listener) -> None:
    case = EU_CASE + (
        f"\n<urn:x:ontology> a <http://www.w3.org/2002/07/owl#Ontology> ;"
        f" <http://www.w3.org/2002/07/owl#imports> <{trap.url}/ontology.ttl> .\n"
    )
    assert validate(server, case, TURTLE).status_code == 200
    trap.assert_untouched()


CONTEXTS = [
    "{url}/context.jsonld",
    ["{url}/context.jsonld"],
    [{"@vocab": "urn:x:"}, "{url}/context.jsonld"],
    {"@import": "{url}/context.jsonld"},
    {"inner": {"@id": "urn:x:inner", "@context": "{url}/context.jsonld"}},
    "file:///etc/hostname",
    "/etc/hostname",
]


@pytest.mark.parametrize("context", CONTEXTS, ids=range(len(CONTEXTS)))
def test_jsonld_contexts_by_url_or_path_are_refused(
    server: Service, trap: Listener, context: object
) -> None:
    text = json.dumps({"@context": context, "@id": "urn:x:case", "urn:x:p": "v"})
    response = validate(server, text.replace("{url}", trap.url), JSONLD)
    assert_clean_4xx(response, "context", "import")
    trap.assert_untouched()


def test_a_context_inside_a_nested_node_is_refused(server: Service, trap: Listener) -> None:
    document = {
        "@context": {"@vocab": "urn:x:"},
        "@id": "urn:x:case",
        "p": {"@context": f"{trap.url}/nested.jsonld", "@id": "urn:x:o", "q": "v"},
    }
    assert_clean_4xx(validate(server, json.dumps(document), JSONLD), "context")
    trap.assert_untouched()


def xml_with_entity(system: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{system}"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:x="urn:x:">\n'
        '  <rdf:Description rdf:about="urn:x:case"><x:p>&ext;</x:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    )


@pytest.mark.parametrize("target", ["{url}/entity.txt", "file:///etc/hostname", "/etc/hostname"])
def test_xml_external_entities_are_refused_and_leak_nothing(
    server: Service, trap: Listener, target: str
) -> None:
    body = xml_with_entity(target.replace("{url}", trap.url))
    for accept in ("application/json", "text/turtle"):
        response = server.post(
            "/validate?framework=eu", content=body, headers={**RDFXML, "Accept": accept}
        )
        assert_clean_4xx(response, "DOCTYPE", "ENTITY")
        if SECRET.is_file() and SECRET.read_text().strip():
            assert SECRET.read_text().strip() not in response.text
    trap.assert_untouched()


def test_xinclude_and_parameter_entities_are_refused(server: Service, trap: Listener) -> None:
    xinclude = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:xi="http://www.w3.org/2001/XInclude" xmlns:x="urn:x:">'
        f'<rdf:Description rdf:about="urn:x:case"><x:p><xi:include href="{trap.url}/x"'
        ' parse="text"/></x:p></rdf:Description></rdf:RDF>'
    )
    response = validate(server, xinclude, RDFXML)
    assert response.status_code in (200, 400)
    parameter = f'<!DOCTYPE r [ <!ENTITY % p SYSTEM "{trap.url}/p.dtd"> %p; ]><r/>'
    assert_clean_4xx(validate(server, parameter, RDFXML), "DOCTYPE", "ENTITY")
    trap.assert_untouched()


def test_entity_expansion_bomb_is_refused_quickly(server: Service) -> None:
    entities = ['<!ENTITY a0 "ha">'] + [
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    bomb = (
        f"<?xml version='1.0'?><!DOCTYPE rdf:RDF [ {' '.join(entities)} ]>"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="urn:x:">'
        '<rdf:Description rdf:about="urn:x:case"><x:p>&a9;</x:p></rdf:Description></rdf:RDF>'
    )
    started = time.monotonic()
    assert_clean_4xx(validate(server, bomb, RDFXML), "DOCTYPE", "ENTITY")
    assert time.monotonic() - started < 3


SMUGGLED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix x: <urn:x:> .
x:smuggled-shape a sh:NodeShape ;
    sh:targetSubjectsOf <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ;
    sh:property [ sh:path <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ; sh:minCount 99 ;
                  sh:message "SMUGGLED-PROPERTY-RAN" ] ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:message "SMUGGLED-SPARQL-RAN" ;
        sh:select "SELECT $this WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }" ] ;
    sh:rule [ a sh:SPARQLRule ;
        sh:construct '''CONSTRUCT { $this <urn:x:ran> true }
            WHERE { SERVICE <{url}/r> { ?s ?p ?o } }''' ] .
x:smuggled-target a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ;
        sh:select "SELECT ?this WHERE { SERVICE <{url}/t> { ?this ?p ?o } }" ] ;
    sh:closed true ; sh:message "SMUGGLED-TARGET-RAN" .
x:case-is-shape a sh:NodeShape ;
    sh:targetNode <https://example.org/oos-cases/eu-conforms/case> ;
    sh:class <urn:x:NoSuchClass> ; sh:message "SMUGGLED-TARGETNODE-RAN" .
"""


def test_shapes_rules_and_targets_inside_a_case_never_run(server: Service, trap: Listener) -> None:
    plain = validate(server, EU_CASE, TURTLE)
    smuggling = validate(server, EU_CASE + SMUGGLED.replace("{url}", trap.url), TURTLE)
    assert smuggling.status_code == plain.status_code == 200
    assert "SMUGGLED" not in smuggling.text
    assert smuggling.json()["conforms"] == plain.json()["conforms"]
    assert smuggling.json()["results"] == plain.json()["results"]
    trap.assert_untouched()


def nested_turtle(levels: int) -> str:
    return "<urn:x:s> <urn:x:p> " + "[ <urn:x:p> " * levels + "1" + " ]" * levels + " ."


def nested_collection(levels: int) -> str:
    return "<urn:x:s> <urn:x:p> " + "( " * levels + "1" + " )" * levels + " ."


PATHOLOGICAL = [
    ("turtle blank nodes", nested_turtle(20_000), TURTLE),
    ("turtle collections", nested_collection(20_000), TURTLE),
    (
        "json-ld objects",
        '{"@id": "urn:x:s", "urn:x:p": ' + '{"urn:x:p": ' * 20_000 + "1" + "}" * 20_001,
        JSONLD,
    ),
    ("json arrays", '{"@id": "urn:x:s", "urn:x:p": ' + "[" * 20_000 + "]" * 20_000 + "}", JSONLD),
    (
        "rdf/xml elements",
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="urn:x:">'
        + '<rdf:Description rdf:about="urn:x:s"><x:p>' * 20_000
        + "</x:p></rdf:Description>" * 20_000
        + "</rdf:RDF>",
        RDFXML,
    ),
]


@pytest.mark.parametrize(
    ("body", "headers"), [p[1:] for p in PATHOLOGICAL], ids=[p[0] for p in PATHOLOGICAL]
)
def test_deep_nesting_is_a_4xx_within_seconds(
    server: Service, body: str, headers: dict[str, str]
) -> None:
    response = validate(server, body, headers)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert not LEAKS.search(response.text)


def test_a_case_built_to_make_inference_explode_is_answered_within_seconds(
    server: Service,
) -> None:
    chain = "\n".join(
        f"<urn:x:C{n}> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <urn:x:C{n + 1}> ."
        for n in range(3000)
    )
    members = [f"<urn:x:same{n}>" for n in range(150)]
    clique = "\n".join(
        f"{a} <http://www.w3.org/2002/07/owl#sameAs> {b} ." for a in members for b in members[:20]
    )
    typed = "<https://example.org/oos-cases/eu-conforms/case> a <urn:x:C0> ."
    case = EU_CASE + "\n" + chain + "\n" + clique + "\n" + typed + "\n"
    started = time.monotonic()
    response = validate(server, case, TURTLE)
    assert response.status_code in (200, 413), response.text[:300]
    assert time.monotonic() - started < QUICK_S


def test_a_case_over_the_triple_limit_is_413(server: Service) -> None:
    triples = "\n".join(f"<urn:x:s{n}> <urn:x:p> {n} ." for n in range(25_000))
    response = validate(server, triples, TURTLE)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "headers", "named"),
    [
        ("<urn:a> <urn:b> .", TURTLE, "body:1:"),
        ("@prefix x: <urn:x:> . x:a x:b undeclared:c .", TURTLE, "undeclared"),
        ('{"@id": "urn:x:a", ', JSONLD, "body:1:"),
        ('"just a string"', JSONLD, "object or an array"),
        ("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", RDFXML, "body"),
        (b"\xff\xfe<urn:a> <urn:b> <urn:c> .", TURTLE, "UTF-8"),
        ("<urn:a> <urn:b> <urn:c> .\x00", TURTLE, "NUL"),
        ("<urn:a> <urn:b> <urn:c> .", {"Content-Type": "text/csv"}, "media type"),
        ("<urn:a> <urn:b> <urn:c> .", {}, "media type"),
    ],
)
def test_malformed_cases_are_clean_4xx(
    server: Service, body: str | bytes, headers: dict[str, str], named: str
) -> None:
    assert_clean_4xx(validate(server, body, headers), named)


def test_unknown_framework_and_language_are_clean_4xx(server: Service) -> None:
    for query in ("framework=nowhere", "framework=../../etc/passwd", "", "framework=eu&lang=xx"):
        response = server.post(f"/validate?{query}", content=EU_CASE, headers=TURTLE)
        assert 400 <= response.status_code < 500, (query, response.text[:300])
        assert not LEAKS.search(response.text)


def test_rdfxml_with_relative_iris_is_a_clean_4xx(server: Service) -> None:
    """rdflib keeps unqualified RDF/XML attributes as relative IRIs; the validator's store
    refused them with an unexpected error (500) before the fix."""
    body = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="urn:x:">'
        '<rdf:Description rdf:about="urn:x:case"><x:p><x:q href="v"/></x:p>'
        "</rdf:Description></rdf:RDF>"
    )
    assert_clean_4xx(validate(server, body, RDFXML), "not a valid RDF term")
