"""Property-based probes (hypothesis, bounded): the SPARQL guard, the protocol readers and the
case parser answer any text with their own error or a result, never another exception; a
query the guard accepts never makes pyoxigraph call out; and over HTTP no such text gets a 5xx.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_service import Listener, Service
from pyoxigraph import Store

from oos_kg.errors import OosKgError, QueryError
from oos_kg.sparql.guard import check_query, check_update
from oos_kg.sparql.protocol import parse_query_request, parse_update_request
from oos_kg.validation import parse_case

FAST = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
HTTP = settings(FAST, max_examples=20)

TRAP = "http://127.0.0.1:{port}/x"
SPARQL_TOKENS = [
    "SELECT",
    "select",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "*",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "?s",
    "?p",
    "?o",
    "$g",
    "SERVICE",
    "service",
    "SeRvIcE",
    "SILENT",
    "FROM",
    "from",
    "NAMED",
    "GRAPH",
    "LOAD",
    "load",
    "INTO",
    "USING",
    "WITH",
    "INSERT",
    "DELETE",
    "DATA",
    "CLEAR",
    "DROP",
    "ALL",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "FILTER",
    "BIND",
    "AS",
    "VALUES",
    "UNDEF",
    "PREFIX",
    "BASE",
    "t:",
    "t:x",
    "<x>",
    "<" + TRAP + ">",
    "<urn:a>",
    "a",
    '"s"',
    "'s'",
    '"""s"""',
    "1",
    "1.5e3",
    "true",
    "#",
    "\n",
    "\\u0053",
    "\\u0053ERVICE",
    "REGEX",
    "EXISTS",
    "NOT",
    "LIMIT",
    "OFFSET",
    "ORDER BY",
    "GROUP BY",
    "COUNT",
    "DISTINCT",
    "_:b",
    "^^",
    "@en",
    "|",
    "/",
    "^",
    "+",
    "?",
    "!",
]
PREAMBLES = ["", "PREFIX t: <http://127.0.0.1:{port}/> ", "BASE <http://127.0.0.1:{port}/> "]


def soup(tokens: list[str]) -> st.SearchStrategy[str]:
    """Texts of up to 40 tokens from ``tokens`` joined by spaces."""
    return st.lists(st.sampled_from(tokens), max_size=40).map(" ".join)


def sparql_texts(port: int) -> st.SearchStrategy[str]:
    preamble = st.sampled_from(PREAMBLES)
    body = st.one_of(soup(SPARQL_TOKENS), st.text(max_size=200))
    return st.builds(lambda p, b: (p + b).replace("{port}", str(port)), preamble, body)


def test_the_guard_raises_only_query_errors() -> None:
    @FAST
    @given(text=sparql_texts(9))
    def probe(text: str) -> None:
        for check in (check_query, check_update):
            try:
                check(text)
            except QueryError:
                pass

    probe()


def test_a_query_the_guard_accepts_never_makes_pyoxigraph_call_out(trap: Listener) -> None:
    """The guard parses with rdflib, the store with oxigraph's parser: they must agree."""
    store = Store()
    store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")

    @FAST
    @given(text=sparql_texts(trap.port))
    def probe(text: str) -> None:
        try:
            check_query(text)
        except QueryError:
            return
        try:
            result = store.query(text, use_default_graph_as_union=True)
            if hasattr(result, "__iter__"):
                list(result)  # type: ignore[call-overload]
        except (SyntaxError, ValueError, RuntimeError, OSError):
            pass
        assert not trap.hits, f"accepted by the guard, called out: {text!r}"

    probe()


def test_the_protocol_readers_raise_only_their_own_errors() -> None:
    @FAST
    @given(
        method=st.sampled_from(["GET", "POST"]),
        query_string=st.text(max_size=80),
        content_type=st.one_of(
            st.none(),
            st.sampled_from(
                [
                    "application/x-www-form-urlencoded",
                    "application/sparql-query",
                    "application/sparql-update",
                    "text/plain",
                ]
            ),
            st.text(max_size=30),
        ),
        body=st.binary(max_size=120),
    )
    def probe(method: str, query_string: str, content_type: str | None, body: bytes) -> None:
        try:
            parse_query_request(method, query_string, content_type, body)
        except OosKgError:
            pass
        try:
            parse_update_request(query_string, content_type, body)
        except OosKgError:
            pass

    probe()


TURTLE_TOKENS = [
    "@prefix",
    "@base",
    "PREFIX",
    "x:",
    "x:a",
    "<urn:a>",
    "<http://127.0.0.1:9/>",
    "a",
    ".",
    ";",
    ",",
    "[",
    "]",
    "(",
    ")",
    '"s"',
    '"""s\n"""',
    "'s'",
    "@en",
    "^^",
    "xsd:int",
    "1",
    "-1.5",
    "1e9",
    "true",
    "_:b",
    "#",
    "\n",
    "\\u0041",
    "<>",
    "{",
    "}",
    "=>",
    "@",
]
JSON_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    '"@context"',
    '"@id"',
    '"@type"',
    '"@graph"',
    '"@value"',
    '"@list"',
    '"@import"',
    '"http://127.0.0.1:9/ctx"',
    '"urn:x:a"',
    '"x"',
    "1",
    "null",
    "true",
    '{"@vocab": "urn:x:"}',
]
XML_TOKENS = [
    "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>",
    "</rdf:RDF>",
    "<rdf:Description rdf:about='urn:x:a'>",
    "</rdf:Description>",
    "<x:p xmlns:x='urn:x:'>",
    "</x:p>",
    "<!DOCTYPE r>",
    "<!ENTITY e 'x'>",
    "&e;",
    "&amp;",
    "<![CDATA[x]]>",
    "text",
    "rdf:parseType='Literal'",
    "<?xml version='1.0'?>",
    ">",
    "<",
    "/>",
]
CASES = st.one_of(
    st.tuples(st.just("turtle"), soup(TURTLE_TOKENS)),
    st.tuples(st.just("ntriples"), soup(TURTLE_TOKENS)),
    st.tuples(st.just("jsonld"), soup(JSON_TOKENS)),
    st.tuples(st.just("rdfxml"), soup(XML_TOKENS)),
    st.tuples(st.sampled_from(["turtle", "jsonld", "rdfxml"]), st.text(max_size=200)),
)


def test_the_case_parser_raises_only_its_own_errors(trap: Listener) -> None:
    @FAST
    @given(case=CASES, raw=st.binary(max_size=60))
    def probe(case: tuple[str, str], raw: bytes) -> None:
        fmt, text = case
        for data in (text.encode("utf-8"), raw):
            try:
                parse_case(data, fmt)
            except OosKgError:
                pass

    probe()
    trap.assert_untouched()


MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


@pytest.mark.parametrize("path", ["/sparql", "/validate?framework=eu"])
def test_no_generated_text_gets_a_5xx(server: Service, trap: Listener, path: str) -> None:
    @HTTP
    @given(case=CASES, query=sparql_texts(trap.port))
    def probe(case: tuple[str, str], query: str) -> None:
        response: Any
        if path == "/sparql":
            response = server.post(path, data={"query": query})
        else:
            response = server.post(
                path, content=case[1].encode(), headers={"Content-Type": MEDIA[case[0]]}
            )
        assert response.status_code < 500, response.text[:300]
        assert "Traceback" not in response.text

    probe()
    trap.assert_untouched()
