"""The ``/graphql`` fast path answers exactly as the route does, and hands on what it does not
answer itself."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Client

from graphql_api.router import GraphQLFastPath
from oos_kg.app import create_app
from oos_kg.settings import Settings

JSON = {"Content-Type": "application/json"}
PAGE = "query($n: Int) { products(first: $n) { totalCount edges { node { brandName } } } }"

# (method, url, headers, body): single operations, and what the view answers instead
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("POST", "/graphql", JSON, json.dumps({"query": PAGE, "variables": {"n": 3}}).encode()),
    ("POST", "/graphql", {**JSON, "Accept": "application/json"}, b'{"query": "{ __typename }"}'),
    ("POST", "/graphql", {"Content-Type": "application/json; charset=utf-8"}, b'{"query":"{a}"}'),
    ("POST", "/graphql", JSON, json.dumps({"query": PAGE, "variables": {"n": "x"}}).encode()),
    ("POST", "/graphql", JSON, b'{"query": "{ products { nope } }"}'),  # invalid
    ("POST", "/graphql", JSON, b'{"query": "{ products { "}'),  # syntax error
    (
        "POST",
        "/graphql",
        JSON,
        b'{"query": "query A { a: __typename } query B { b: __typename }", "operationName": "C"}',
    ),  # unknown operation
    ("POST", "/graphql", JSON, b'{"query": "mutation { x }"}'),  # no mutations here
    ("POST", "/graphql", JSON, b'[{"query": "{ __typename }"}, {"query": "{ __typename }"}]'),
    ("POST", "/graphql", JSON, b'{"query": 3}'),  # wrong field type
    ("POST", "/graphql", JSON, b"{not json"),
    (
        "POST",
        "/graphql",
        JSON,
        b'{"query": "{ a }", "variables": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
    ),
    ("POST", "/graphql", JSON, b""),
    ("POST", "/graphql", {"Content-Type": "text/plain"}, b'{"query": "{ __typename }"}'),
    ("POST", "/graphql", {**JSON, "Accept": "multipart/mixed"}, b'{"query": "{ __typename }"}'),
    ("GET", "/graphql?query=%7B__typename%7D", {"Accept": "application/json"}, b""),
    ("PUT", "/graphql", JSON, b'{"query": "{ __typename }"}'),
]


def _app(counting: Any, settings: Settings, *, fast: bool) -> Client:
    app = create_app(settings, store=counting)
    if not fast:
        app.user_middleware = [m for m in app.user_middleware if m.cls is not GraphQLFastPath]
    return Client(app)


@pytest.mark.parametrize(("method", "url", "headers", "body"), REQUESTS)
def test_the_fast_path_answers_as_the_route(
    counting: Any,
    settings: Settings,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
) -> None:
    fast = _app(counting, settings, fast=True).request(method, url, headers=headers, content=body)
    route = _app(counting, settings, fast=False).request(method, url, headers=headers, content=body)
    assert (fast.status_code, fast.content) == (route.status_code, route.content)
    assert fast.headers.get("content-type") == route.headers.get("content-type")


def test_the_fast_path_answers_a_plain_operation_itself(
    counting: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphql_api import router

    handed_on: list[str] = []
    original = router._lean_post

    def spy(*args: Any) -> Any:
        handler = original(*args)

        async def answer(request: Any) -> Any:
            handed_on.append(request.url.path)
            return await handler(request)

        return answer

    monkeypatch.setattr(router, "_lean_post", spy)
    client = _app(counting, settings, fast=True)
    answer = client.post("/graphql", json={"query": PAGE, "variables": {"n": 2}})
    assert answer.status_code == 200
    assert len(answer.json()["data"]["products"]["edges"]) == 2
    assert handed_on == []
    client.post("/graphql", content=b'[{"query": "{ __typename }"}]', headers=JSON)
    assert handed_on == ["/graphql"]  # a batch goes on to the route


def test_a_body_over_the_limit_is_refused_before_the_fast_path(counting: Any) -> None:
    settings = Settings(store="memory", graphql_body_limit=64)
    client = _app(counting, settings, fast=True)
    answer = client.post("/graphql", json={"query": "{ __typename }" + " " * 100})
    assert answer.status_code == 413
