"""The app built by ``create_app`` serves the GraphQL endpoint over its store."""

from __future__ import annotations

from typing import Any


def test_create_app_serves_graphql_over_its_store(counting: Any, app_client: Any) -> None:
    response = app_client.post("/graphql", json={"query": "{ products(first: 3) { totalCount } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"products": {"totalCount": 25}}}
    assert counting.calls


def test_a_browser_gets_graphiql_without_a_cdn(counting: Any, app_client: Any) -> None:
    response = app_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "unpkg.com" not in response.text and "jsdelivr" not in response.text
    assert counting.calls == []
