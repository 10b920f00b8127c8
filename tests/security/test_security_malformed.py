"""Malformed SPARQL and GraphQL get a 4xx whose message names the problem, never a 500, a
stack trace or a file path of the server."""

from __future__ import annotations

import pytest
from live_service import ADMIN_TOKEN, LEAKS, Service, assert_clean_4xx

SPARQL = [
    ("SELECT * WHERE { ?s ?p }", "malformed query"),
    ("SELECT * WHERE { ?s ?p ?o", "malformed query"),
    ("SELEC * WHERE { ?s ?p ?o }", "malformed query"),
    ("SELECT * FROM <urn:x> WHERE {", "malformed query"),
    ('SELECT * WHERE { ?s ?p "\\uD800" }', "malformed query"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT -1", "malformed query"),
    ("PREFIX : <x> SELECT * WHERE { ?s undeclared:p ?o }", "malformed query"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "/sparql/update"),
    ("\x00", "malformed query"),
]


@pytest.mark.parametrize(("query", "named"), SPARQL)
def test_malformed_sparql_query_is_a_clean_400(server: Service, query: str, named: str) -> None:
    for response in (
        server.get("/sparql", params={"query": query}),
        server.post("/sparql", data={"query": query}),
        server.post(
            "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ):
        assert_clean_4xx(response, named)


TOKEN = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/sparql-update"}

UPDATES = [
    ("INSERT DATA { <urn:a> }", "malformed update"),
    ("INSERT DATA { ?s <urn:b> <urn:c> }", "malformed update"),
    ("DELETE WHERE", "malformed update"),
    ("SELECT * WHERE { ?s ?p ?o }", "malformed update"),
    ("DROP GRAPH <urn:x:never-created>", "does not exist"),
    ("CREATE GRAPH <https://w3id.org/oos-kg/graph/ontology>", "already exists"),
]


@pytest.mark.parametrize(("update", "named"), UPDATES)
def test_malformed_or_failing_update_is_a_clean_400_and_changes_nothing(
    server: Service, update: str, named: str
) -> None:
    before = server.count()
    response = server.post("/sparql/update", content=update.encode(), headers=TOKEN)
    assert_clean_4xx(response, named)
    assert server.count() == before


BAD_BYTES = [
    ("/sparql", {"Content-Type": "application/sparql-query"}, b"ASK {} \xff\xfe", "UTF-8"),
    ("/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=%ff%fe", "UTF-8"),
    ("/sparql", {"Content-Type": "application/xml"}, b"<q/>", "application/sparql-query"),
    ("/sparql", {}, b"ASK {}", "application/sparql-query"),
    ("/sparql/update", {**TOKEN}, b"\xff", "UTF-8"),
    ("/sparql/update", {**TOKEN, "Content-Type": "text/plain"}, b"CLEAR ALL", "sparql-update"),
]


@pytest.mark.parametrize(("path", "headers", "body", "named"), BAD_BYTES)
def test_bodies_of_the_wrong_kind_are_clean_4xx(
    server: Service, path: str, headers: dict[str, str], body: bytes, named: str
) -> None:
    assert_clean_4xx(server.post(path, content=body, headers=headers), named)


def test_broken_query_strings_are_clean_4xx(server: Service) -> None:
    assert_clean_4xx(server.get("/sparql?query=%ZZ"), "malformed")
    assert_clean_4xx(server.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), "query")
    assert_clean_4xx(server.get("/sparql?query=%FF%FE"), "UTF-8", "malformed")


GRAPHQL = [
    (b'{"query": "{ products { name "}', "Syntax Error"),
    (b'{"query": "{ noSuchField }"}', "noSuchField"),
    (b'{"query": 1}', "must be a string"),
    (b'{"query": "{ __typename }", "variables": 7}', "variables"),
    (b"not json", "JSON"),
    (b'{"query": "{ __typename }"', "JSON"),
    (b'{"query": "\\u0000"}', "Syntax Error"),
]


@pytest.mark.parametrize(("body", "named"), GRAPHQL)
def test_malformed_graphql_is_refused_with_a_named_problem(
    server: Service, body: bytes, named: str
) -> None:
    response = server.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code < 500
    assert not LEAKS.search(response.text), response.text[:500]
    assert named.lower() in response.text.lower(), response.text[:500]
    if response.status_code == 200:  # GraphQL over HTTP reports errors in the body
        payload = response.json()
        assert payload.get("data") is None
        assert payload["errors"]


def test_unknown_paths_and_methods_are_clean_4xx(server: Service) -> None:
    assert_clean_4xx(server.get("/no/such/path"), "not found")
    assert_clean_4xx(server.request("DELETE", "/sparql"), "not allowed")
    assert_clean_4xx(server.get("/sparql/update"), "not allowed")
