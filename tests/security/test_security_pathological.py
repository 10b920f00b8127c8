"""Pathological SPARQL and GraphQL: answered with a 4xx (or a correct answer) within
seconds, and the service stays responsive."""

from __future__ import annotations

import time

import httpx
import pytest
from live_service import ADMIN_TOKEN, LEAKS, Listener, Service

QUICK_S = 5.0
LEVELS = 20_000


def timed(call: object, *args: object, **kwargs: object) -> httpx.Response:
    started = time.monotonic()
    response = call(*args, **kwargs)  # type: ignore[operator]
    assert time.monotonic() - started < QUICK_S, "too slow"
    assert isinstance(response, httpx.Response)
    assert response.status_code < 500, response.text[:300]
    assert not LEAKS.search(response.text)
    return response


NESTED_QUERIES = {
    "groups": "SELECT * WHERE " + "{ " * LEVELS + "?s ?p ?o" + " }" * LEVELS,
    "parentheses": "ASK { FILTER(" + "(" * LEVELS + "1" + ")" * LEVELS + ") }",
    "blank nodes": "ASK { ?s ?p " + "[ ?p " * LEVELS + "?o" + " ]" * LEVELS + " }",
    "subqueries": "SELECT * WHERE { " + "{ SELECT * WHERE " * 2000 + "{}" + " }" * 4000 + " }",
}


@pytest.mark.parametrize("query", NESTED_QUERIES.values(), ids=NESTED_QUERIES.keys())
def test_deeply_nested_sparql_is_a_quick_400(server: Service, query: str) -> None:
    response = timed(
        server.post,
        "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400
    assert "nest" in response.json()["error"]["message"]


def test_deeply_nested_update_is_a_quick_400(server: Service) -> None:
    update = "PREFIX : <urn:x:> INSERT DATA { :a :b " + "[:b " * LEVELS + "1" + "]" * LEVELS + " }"
    before = server.count()
    response = timed(
        server.post,
        "/sparql/update",
        content=update,
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {ADMIN_TOKEN}",
        },
    )
    assert response.status_code == 400
    assert server.count() == before


REGEXES = {  # pattern: how many of the two values match (only the short run of a's can)
    "^(a+)+$": 1,
    "^(a|a)*$": 1,
    "^(a|aa)+$": 1,
    "(x+x+)+y": 0,
    "^(([a-z])+.)+[A-Z]([a-z])+$": 0,
}


@pytest.mark.parametrize(("pattern", "matches"), REGEXES.items())
def test_a_catastrophic_regex_is_answered_within_seconds(
    server: Service, pattern: str, matches: int
) -> None:
    text = "a" * 5000 + "!"
    query = (
        f'SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?t {{ "{text}" "{text[:40]}" }}'
        f' FILTER(REGEX(?t, "{pattern}")) }}'
    )
    response = timed(server.post, "/sparql", data={"query": query})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == str(matches)
    server.assert_alive()


def test_a_regex_over_the_whole_store_is_bounded_by_the_time_limit(server: Service) -> None:
    query = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "^(.+)+$")) }'
    assert timed(server.post, "/sparql", data={"query": query}).status_code in (200, 503)


def test_graphql_text_arguments_are_data_not_query_text(server: Service, trap: Listener) -> None:
    injections = [
        f'") }} SERVICE <{trap.url}/s> {{ ?s ?p ?o }} #',
        '\\" } } ; DROP ALL #',
        "'''\" } UNION { ?s ?p ?o } #",
    ]
    before = server.count()
    for text in injections:
        body = {"query": "query($t: String!) { search(text: $t) { id } }", "variables": {"t": text}}
        response = timed(server.post, "/graphql", json=body)
        assert response.json().get("data") == {"search": []}, response.text[:300]
    assert server.count() == before
    trap.assert_untouched()


def test_twenty_thousand_nested_graphql_braces_are_refused(server: Service) -> None:
    document = "{ " * LEVELS + "__typename" + " }" * LEVELS
    response = timed(server.post, "/graphql", json={"query": document})
    assert response.status_code in (200, 400, 413)
    if response.status_code == 200:
        assert response.json()["data"] is None
