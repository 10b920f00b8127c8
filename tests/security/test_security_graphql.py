"""GraphQL abuse is refused before it runs: depth, aliases, batches, size, repetition,
fragment cycles, page sizes; and no operation runs from a GET mutation or a cross-site
(text/plain, form, multipart) POST."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from live_service import LIMITS, Service

JSON = {"Content-Type": "application/json"}
QUICK_S = 5.0


def post(server: Service, payload: Any) -> httpx.Response:
    started = time.monotonic()
    response = server.post("/graphql", json=payload, headers=JSON)
    assert time.monotonic() - started < QUICK_S
    return response


def refused(response: httpx.Response, *names: str) -> str:
    """Assert that nothing ran and an error names the problem; return the messages.

    Raises:
        AssertionError: otherwise.
    """
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 200:
        payload = response.json()
        assert payload.get("data") is None, str(payload)[:300]
        text = " ".join(error["message"] for error in payload["errors"])
    else:
        text = response.text
    assert "Traceback" not in text
    assert any(name.lower() in text.lower() for name in names), text[:500]
    return text


def deep(levels: int, name: str = "fixture alpha cells") -> str:
    inner = "id"
    for n in range(levels):
        field = "products" if (levels - 1 - n) % 2 == 0 else "substance"
        inner = f"{field} {{ {inner} }}"
    return '{ substance(name: "' + name + '") { ' + inner + " } }"


def test_depth_bomb_is_refused(server: Service) -> None:
    refused(post(server, {"query": deep(200)}), "depth", "nested too deeply")
    assert post(server, {"query": deep(2)}).json().get("errors") is None  # the control


def test_a_thousand_aliases_are_refused(server: Service) -> None:
    aliases = " ".join(f"a{n}: __typename" for n in range(1000))
    refused(post(server, {"query": "{ " + aliases + " }"}), "aliases", "tokens")


def test_a_thousand_aliases_of_a_store_field_are_refused(server: Service) -> None:
    aliases = " ".join(f"a{n}: products(first: 100) {{ totalCount }}" for n in range(1000))
    response = server.post("/graphql", json={"query": "{ " + aliases + " }"})
    assert response.status_code == 413 or refused(response, "aliases", "tokens")


def test_a_batch_of_a_thousand_operations_is_refused(server: Service) -> None:
    batch = [{"query": "{ __typename }"} for _ in range(1000)]
    response = post(server, batch)
    assert 400 <= response.status_code < 500
    assert "too many operations" in response.text.lower()
    assert "__typename" not in response.text


def test_a_megabyte_document_is_refused_by_size(server: Service) -> None:
    document = "{ __typename " + "#" * 1_000_000 + " }"
    started = time.monotonic()
    response = server.post("/graphql", json={"query": document})
    assert response.status_code == 413
    assert str(LIMITS["/graphql"]) in response.text
    assert time.monotonic() - started < QUICK_S


def test_a_document_under_the_size_limit_but_full_of_tokens_is_refused(server: Service) -> None:
    fields = " ".join(["__typename"] * 8000)
    refused(post(server, {"query": "{ " + fields + " }"}), "tokens")


def test_repeated_fields_and_directives_are_refused(server: Service) -> None:
    directives = " ".join(["@include(if: true)"] * 1000)
    refused(post(server, {"query": "{ __typename " + directives + " }"}), "tokens", "directive")
    skips = " ".join(["@skip(if: false)"] * 3)
    refused(post(server, {"query": "{ __typename " + skips + " }"}), "directive")


def test_circular_fragments_are_refused(server: Service) -> None:
    cycle = (
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
        " fragment C on Query { __typename ...C }"
    )
    refused(post(server, {"query": cycle}), "cannot spread", "cycle")


def test_a_fragment_bomb_is_refused(server: Service) -> None:
    """Each fragment spreads the previous one twice: 2^30 fields from a short document."""
    parts = ["fragment F0 on Query { __typename }"]
    parts += [f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 31)]
    refused(post(server, {"query": "{ ...F30 } " + " ".join(parts)}), "fragments")
    small = parts[:4]  # 2^3 fields: fine
    assert post(server, {"query": "{ ...F3 } " + " ".join(small)}).json() == {
        "data": {"__typename": "Query"}
    }


@pytest.mark.parametrize(
    "query",
    [
        "{ products(first: 1000000000) { totalCount } }",
        "{ products(first: -1) { totalCount } }",
        "{ products(first: 99999999999999999999) { totalCount } }",
        '{ search(text: "cell", first: 1000000000) { __typename } }',
    ],
)
def test_a_huge_page_size_is_refused(server: Service, query: str) -> None:
    refused(post(server, {"query": query}), "first", "Int")


def test_a_mutation_over_get_runs_nothing(server: Service) -> None:
    response = server.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code in (400, 405)
    assert "mutation" in response.text.lower()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"query": "{ __typename }"}'),
        ("application/x-www-form-urlencoded", b"query=%7B__typename%7D"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            b'{"query": "{ __typename }"}\r\n--b--\r\n',
        ),
    ],
)
def test_a_cross_site_post_runs_nothing(server: Service, content_type: str, body: bytes) -> None:
    response = server.post(
        "/graphql",
        content=body,
        headers={"Content-Type": content_type, "Origin": "https://attacker.example"},
    )
    assert 400 <= response.status_code < 500
    assert "Query" not in response.text  # __typename never resolved


def test_a_get_query_answers_and_carries_no_cors_grant(server: Service) -> None:
    response = server.get(
        "/graphql",
        params={"query": "{ __typename }"},
        headers={"Origin": "https://attacker.example", "Accept": "application/json"},
    )
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "access-control-allow-origin" not in response.headers


def test_deeply_nested_variables_are_refused(server: Service) -> None:
    body = b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 20000 + b"]" * 20000 + b"}}"
    response = server.post("/graphql", content=body, headers=JSON)
    assert 400 <= response.status_code < 500, response.text[:300]


def test_the_expansion_count_is_linear_and_ignores_cycles() -> None:
    """In process: the count the fragment-bomb refusal rests on."""
    from graphql import parse

    from graphql_api.limits import expanded_fields

    parts = ["fragment F0 on Query { a b { c } }"]
    parts += [f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 61)]
    started = time.monotonic()
    assert expanded_fields(parse("{ ...F60 } " + " ".join(parts))) == 3 * 2**60
    assert time.monotonic() - started < 1
    cycle = "{ x ...A } fragment A on Q { y ...B } fragment B on Q { z ...A ... on Q { w } }"
    assert expanded_fields(parse(cycle)) == 4
    assert expanded_fields(parse("fragment A on Q { x }")) == 0
