"""Limits refuse a document before it runs; errors name the problem and never leak internals."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from graphql import GraphQLError

import graphql_api.schema
from graphql_api.context import GraphQLContext
from graphql_api.schema import MASKED_MESSAGE
from oos_kg.settings import Settings


def _deep(levels: int) -> str:
    """A valid document ``levels + 1`` fields deep: substance > products > substance > ..."""
    inner = "id"
    for n in range(levels):
        field = "products" if (levels - 1 - n) % 2 == 0 else "substance"
        inner = f"{field} {{ {inner} }}"
    return '{ substance(name: "substance 01") { ' + inner + " } }"


def test_a_document_deeper_than_the_limit_is_refused_before_any_store_call(
    counting: Any, run: Any
) -> None:
    result = run(counting, _deep(12))
    assert result.data is None
    assert any("exceeds maximum operation depth" in m for m in [e.message for e in result.errors])
    assert counting.calls == []


def test_too_many_aliases_are_refused(counting: Any, run: Any) -> None:
    aliases = " ".join(f"a{n}: products(first: 1) {{ totalCount }}" for n in range(40))
    result = run(counting, "{ " + aliases + " }")
    assert result.data is None
    assert "40 aliases found. Allowed: 30" in result.errors[0].message
    assert counting.calls == []


def test_too_many_tokens_are_refused(counting: Any, run: Any) -> None:
    fields = " ".join(["id"] * 3000)
    result = run(counting, "{ products { edges { node { " + fields + " } } } }")
    assert result.data is None
    assert "more than 2000 tokens" in result.errors[0].message
    assert counting.calls == []


def test_a_page_size_over_the_limit_is_refused_without_a_store_call(
    counting: Any, run: Any
) -> None:
    result = run(counting, "{ products(first: 1000000000) { totalCount } }")
    assert result.data is None
    assert result.errors[0].message == "first must be between 0 and 100, got 1000000000"
    assert counting.calls == []


def test_limits_follow_the_settings(counting: Any, run: Any) -> None:
    strict = Settings(store="memory", graphql_max_depth=2, graphql_max_page_size=5)
    context = GraphQLContext(counting, strict)
    schema = graphql_api.schema.build_schema(strict)
    deep = asyncio.run(schema.execute(_deep(3), context_value=context))
    assert "exceeds maximum operation depth of 2" in deep.errors[0].message
    page = asyncio.run(
        schema.execute("{ products(first: 6) { totalCount } }", context_value=context)
    )
    assert "between 0 and 5" in page.errors[0].message
    assert run(counting, _deep(3)).errors is None


def test_an_unexpected_resolver_error_is_masked_and_an_expected_one_is_not(
    counting: Any, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret /srv/path and stack")

    monkeypatch.setattr(counting, "select", broken)
    result = run(counting, "{ products { totalCount } }")
    assert [e.message for e in result.errors] == [MASKED_MESSAGE]
    bad_cursor = run(counting, '{ products(after: "nope") { totalCount } }')
    assert "not a cursor" in bad_cursor.errors[0].message


def test_validation_messages_are_kept(counting: Any, run: Any) -> None:
    result = run(counting, "{ products { nosuchfield } }")
    assert "Cannot query field 'nosuchfield'" in result.errors[0].message
    assert not isinstance(result.errors[0].original_error, Exception)
    assert isinstance(result.errors[0], GraphQLError)


def test_introspection_stays_on(counting: Any, run: Any) -> None:
    result = run(counting, "{ __schema { queryType { name } types { name } } }")
    assert result.errors is None
    names = {t["name"] for t in result.data["__schema"]["types"]}
    assert {"Product", "Substance", "Trial", "ExpandedAccessProgram", "Study"} <= names


# ---- over HTTP ----


def test_get_and_post_answer_the_same(client: Any) -> None:
    query = "{ products(first: 2) { totalCount edges { node { id } } } }"
    by_get = client.get("/graphql", params={"query": query})
    by_post = client.post("/graphql", json={"query": query})
    assert by_get.status_code == by_post.status_code == 200
    assert by_get.json() == by_post.json()
    assert by_get.json()["data"]["products"]["totalCount"] == 25


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"query": "{ products { totalCount } }"}'),
        ("application/x-www-form-urlencoded", "query=%7B+products+%7B+totalCount+%7D+%7D"),
    ],
    ids=["text-plain", "form"],
)
def test_a_simple_cross_site_post_runs_nothing(
    client: Any, counting: Any, content_type: str, body: str
) -> None:
    response = client.post("/graphql", content=body, headers={"content-type": content_type})
    assert 400 <= response.status_code < 500
    assert counting.calls == []


def test_a_mutation_over_get_is_refused(client: Any) -> None:
    response = client.get("/graphql", params={"query": "mutation { x }"})
    assert response.status_code in (400, 405)


def test_a_body_over_the_limit_gets_413(app_client: Any, counting: Any) -> None:
    padding = " " * 200_000
    response = app_client.post(
        "/graphql",
        content=json.dumps({"query": "{ products { totalCount } }" + padding}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert counting.calls == []


def test_a_batch_over_the_limit_is_refused(client: Any, counting: Any) -> None:
    batch = [{"query": "{ products(first: 1) { totalCount } }"}] * 11
    response = client.post("/graphql", json=batch)
    assert response.status_code == 400
    assert counting.calls == []
    ok = client.post("/graphql", json=batch[:3])
    assert ok.status_code == 200
    assert [item["data"]["products"]["totalCount"] for item in ok.json()] == [25, 25, 25]


def test_http_errors_carry_no_stack_trace(client: Any) -> None:
    response = client.post("/graphql", json={"query": "{ products(first: -1) { totalCount } }"})
    body = response.text
    assert "between 0 and 100" in body
    assert "Traceback" not in body and 'File "' not in body


def test_several_operations_with_a_name_run_the_named_one(client: Any, counting: Any) -> None:
    document = "query A { products { totalCount } } query B { jurisdictions { code } }"
    response = client.post("/graphql", json={"query": document, "operationName": "A"})
    assert response.json() == {"data": {"products": {"totalCount": 25}}}
    response = client.post("/graphql", json={"query": document, "operationName": "B"})
    assert response.json() == {"data": {"jurisdictions": []}}
    assert counting.calls


def test_the_limits_hold_on_every_request(counting: Any) -> None:
    schema = graphql_api.schema.build_schema(Settings(store="memory"))
    context = GraphQLContext(counting, Settings(store="memory"))
    fine = "{ products(first: 2) { totalCount } }"
    deep = _deep(12)
    for _ in range(3):
        assert asyncio.run(schema.execute(fine, context_value=context)).errors is None
        refused = asyncio.run(schema.execute(deep, context_value=context))
        assert "exceeds maximum operation depth" in refused.errors[0].message
    assert len(counting.calls) == 3  # the refused document never reached the store
