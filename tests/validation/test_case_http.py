"""``POST /validate``: JSON summary, SHACL report by Accept, 4xx answers naming the problem."""

from __future__ import annotations

import json

from case_support import EXAMPLES, Client, make_client
from rdflib import Graph
from rdflib.namespace import RDF, SH

from oos_kg.validation import CaseValidator

EU_OK = (EXAMPLES / "eu" / "conforms.ttl").read_bytes()
EU_48H = (EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl").read_bytes()
TURTLE = {"Content-Type": "text/turtle"}


def test_json_summary_by_default(client: Client) -> None:
    response = client.post("/validate?framework=eu", content=EU_48H, headers=TURTLE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["conforms"] is False and body["framework"] == "eu"
    [result] = body["results"]
    assert result["severity"] == "Violation"
    assert result["focusNode"].endswith("/case")
    assert result["clause"]["iri"].endswith("clause-ema-cat-224381-2019-notification")
    assert "48" in result["message"]


def test_japanese_messages(client: Client) -> None:
    response = client.post("/validate?framework=eu&lang=ja", content=EU_48H, headers=TURTLE)
    assert "供給後48時間" in response.json()["results"][0]["message"]


def test_report_graph_for_turtle_and_jsonld(client: Client) -> None:
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = client.post(
            "/validate?framework=eu", content=EU_48H, headers={**TURTLE, "Accept": accept}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(accept)
        report = Graph().parse(data=response.content, format=fmt)
        [node] = report.subjects(RDF.type, SH.ValidationReport)
        assert str(report.value(node, SH.conforms)) == "false"


def test_jsonld_body(client: Client) -> None:
    body = Graph().parse(data=EU_OK, format="turtle").serialize(format="json-ld")
    response = client.post(
        "/validate?framework=eu", content=body, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 200
    assert response.json()["conforms"] is True


def test_turtle_syntax_error_is_400_with_line_and_column(client: Client) -> None:
    response = client.post(
        "/validate?framework=eu",
        content=b"<urn:a> a <urn:C> .\n<urn:b> <urn:p> ;; .",
        headers=TURTLE,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "rdf_syntax_error"
    assert error["message"].startswith("body:2:")


def test_remote_jsonld_context_is_400(client: Client) -> None:
    doc = json.dumps({"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "urn:x"})
    response = client.post(
        "/validate?framework=eu", content=doc, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 400
    assert "by URL or path" in response.json()["error"]["message"]


def test_unknown_media_type_is_415(client: Client) -> None:
    response = client.post(
        "/validate?framework=eu", content=EU_OK, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_unknown_framework_is_400(client: Client) -> None:
    response = client.post("/validate?framework=mars", content=EU_OK, headers=TURTLE)
    assert response.status_code == 400
    assert "mars" in response.json()["error"]["message"]


def test_missing_framework_is_400(client: Client) -> None:
    response = client.post("/validate", content=EU_OK, headers=TURTLE)
    assert response.status_code in (400, 422)


def test_unacceptable_accept_is_406(client: Client) -> None:
    response = client.post(
        "/validate?framework=eu", content=EU_OK, headers={**TURTLE, "Accept": "image/png"}
    )
    assert response.status_code == 406


def test_body_over_the_limit_is_413(validator: CaseValidator) -> None:
    small = make_client(validator, validate_body_limit=1000)
    response = small.post("/validate?framework=eu", content=EU_OK, headers=TURTLE)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
