"""Untrusted case input: refused constructs, located syntax errors, no network, no files."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from oos_kg.errors import PayloadTooLarge, RdfSyntaxError, UnsupportedMediaType
from oos_kg.validation import (
    MAX_CASE_TRIPLES,
    format_for_media_type,
    format_for_path,
    parse_case,
)

OOS = "https://w3id.org/oos-kg/ontology#"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = json.dumps({"@context": {"@vocab": OOS}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[str]:
    """A loopback HTTP server that records every request it gets."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_turtle_syntax_error_names_line_and_column() -> None:
    data = (
        b"@prefix oos: <https://w3id.org/oos-kg/ontology#> .\n"
        b"<urn:a> a oos:OosProvisionCase ;\n"
        b"  oos:seriousCondition ;; .\n"
    )
    with pytest.raises(RdfSyntaxError) as caught:
        parse_case(data, "turtle", source="case.ttl")
    assert caught.value.source == "case.ttl"
    assert caught.value.line == 3
    assert caught.value.column is not None and caught.value.column > 1
    assert str(caught.value).startswith("case.ttl:3:")


def test_ntriples_error_is_located() -> None:
    data = b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n"
    with pytest.raises(RdfSyntaxError) as caught:
        parse_case(data, "ntriples")
    assert caught.value.line == 2


@pytest.mark.parametrize(
    "context",
    [
        "URL",
        ["URL"],
        [{"@vocab": OOS}, "URL"],
        {"@import": "URL", "@vocab": OOS},
        "/etc/passwd",
        "file:///etc/passwd",
    ],
    ids=["url", "url-in-list", "url-after-inline", "import", "path", "file-iri"],
)
def test_jsonld_context_by_reference_is_refused_without_a_request(
    context: object, listener: str
) -> None:
    text = json.dumps({"@context": context, "@id": "urn:case", "@type": "OosProvisionCase"})
    data = text.replace("URL", f"{listener}/context.jsonld").encode()
    with pytest.raises(RdfSyntaxError, match="by URL or path"):
        parse_case(data, "jsonld")
    assert _Recorder.hits == []


def test_jsonld_scoped_context_by_reference_is_refused(listener: str) -> None:
    doc = {
        "@context": {"x": {"@id": f"{OOS}x", "@context": f"{listener}/scoped.jsonld"}},
        "@id": "urn:case",
        "x": {"@id": "urn:y"},
    }
    with pytest.raises(RdfSyntaxError):
        parse_case(json.dumps(doc).encode(), "jsonld")
    assert _Recorder.hits == []


def test_jsonld_with_inline_context_parses() -> None:
    doc = {"@context": {"@vocab": OOS}, "@id": "urn:case", "@type": "OosProvisionCase"}
    graph = parse_case(json.dumps(doc).encode(), "jsonld")
    assert len(graph) == 1


def test_jsonld_top_level_string_is_refused() -> None:
    with pytest.raises(RdfSyntaxError):
        parse_case(b'"http://127.0.0.1:9/x.jsonld"', "jsonld")


def test_rdfxml_doctype_and_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="urn:a"><rdf:value>&b;</rdf:value></rdf:Description></rdf:RDF>'
    )
    with pytest.raises(RdfSyntaxError, match="DOCTYPE"):
        parse_case(bomb, "rdfxml")


def test_rdfxml_in_another_encoding_is_refused() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><rdf:RDF/>'
    with pytest.raises(RdfSyntaxError):
        parse_case(doc.encode("utf-16-le"), "rdfxml")
    with pytest.raises(RdfSyntaxError, match="UTF-8"):
        parse_case(doc.encode(), "rdfxml")


def test_plain_rdfxml_parses() -> None:
    doc = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:oos="https://w3id.org/oos-kg/ontology#">'
        b'<oos:OosProvisionCase rdf:about="urn:case"><oos:seriousCondition '
        b'rdf:datatype="http://www.w3.org/2001/XMLSchema#boolean">true</oos:seriousCondition>'
        b"</oos:OosProvisionCase></rdf:RDF>"
    )
    assert len(parse_case(doc, "rdfxml")) == 2


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    depth = 20_000
    data = ("<urn:a> <urn:p> " + "[ <urn:p> " * depth + "<urn:b>" + " ]" * depth + " .").encode()
    with pytest.raises(RdfSyntaxError, match="nested too deeply"):
        parse_case(data, "turtle")
    deep_json = ("[" * depth + "]" * depth).encode()
    with pytest.raises(RdfSyntaxError, match="nested too deeply"):
        parse_case(deep_json, "jsonld")


def test_not_utf8_and_nul_are_refused() -> None:
    with pytest.raises(RdfSyntaxError, match="UTF-8"):
        parse_case(b'<urn:a> <urn:b> "\xff" .', "turtle")
    with pytest.raises(RdfSyntaxError, match="NUL"):
        parse_case(b'<urn:a> <urn:b> "\x00" .', "turtle")


def test_too_many_triples_is_payload_too_large() -> None:
    lines = "".join(f"<urn:a> <urn:p> {i} .\n" for i in range(MAX_CASE_TRIPLES + 1))
    with pytest.raises(PayloadTooLarge):
        parse_case(lines.encode(), "ntriples")


def test_media_types_and_extensions() -> None:
    assert format_for_media_type("application/ld+json; charset=utf-8") == "jsonld"
    assert format_for_media_type("APPLICATION/RDF+XML") == "rdfxml"
    for bad in ("text/html", "", None):
        with pytest.raises(UnsupportedMediaType):
            format_for_media_type(bad)
    from pathlib import Path

    assert format_for_path(Path("a/b.NT")) == "ntriples"
    with pytest.raises(UnsupportedMediaType):
        format_for_path(Path("case.docx"))
