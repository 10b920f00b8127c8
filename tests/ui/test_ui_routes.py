"""The pages as the routes serve them: HTML for browsers, the API for everyone else."""

from __future__ import annotations

import asyncio
import json

import httpx
from fastapi import FastAPI, Request

from graphql_api.router import create_graphql_router
from oos_kg.app import create_app
from oos_kg.settings import Settings
from oos_kg.store import open_store
from oos_kg.store.base import KgStore
from oos_kg.ui import example_questions, installed_example_queries, mount_static


class UntouchedStore:
    """A store that fails any query: serving the page must not run one."""

    def select(self, query: str, **_: object) -> object:
        raise AssertionError(f"unexpected query: {query}")

    ask = select


def no_store(_request: Request) -> KgStore:
    return UntouchedStore()  # type: ignore[return-value]


def graphql_app() -> FastAPI:
    app = FastAPI()
    mount_static(app)
    app.include_router(create_graphql_router(Settings(store="memory"), store_getter=no_store))
    return app


async def get(app: FastAPI, path: str, accept: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ui.test") as client:
        return await client.get(path, headers={"Accept": accept})


def config_of(page: str) -> dict[str, object]:
    start = page.index('<script type="application/json" id="oos-kg-config">')
    text = page[page.index(">", start) + 1 : page.index("</script>", start)]
    loaded: dict[str, object] = json.loads(text)
    return loaded


def test_graphql_serves_graphiql_to_a_browser() -> None:
    response = asyncio.run(get(graphql_app(), "/graphql", "text/html,*/*;q=0.8"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert config_of(response.text)["endpoint"] == "/graphql"
    assert "/static/graphiql/graphiql.min.js" in response.text
    assert "cdn" not in response.text.lower()


def test_graphql_answers_a_get_query_with_json_not_the_page() -> None:
    response = asyncio.run(get(graphql_app(), "/graphql?query={__typename}", "text/html"))

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_the_app_serves_yasgui_at_sparql_with_the_example_queries() -> None:
    settings = Settings(store="memory")
    app = create_app(settings, store=open_store(settings))

    page = asyncio.run(get(app, "/sparql", "text/html,application/xhtml+xml,*/*;q=0.8"))
    turtle = asyncio.run(get(app, "/sparql", "text/turtle"))
    asset = asyncio.run(get(app, "/static/yasgui/yasgui.min.js", "*/*"))

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    config = config_of(page.text)
    assert config["endpoint"] == "/sparql"
    assert config["examples"] == [{"title": t, "query": q} for t, q in installed_example_queries()]
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert asset.status_code == 200


def test_the_app_serves_graphiql_at_graphql() -> None:
    settings = Settings(store="memory")
    app = create_app(settings, store=open_store(settings))

    page = asyncio.run(get(app, "/graphql", "text/html"))
    asset = asyncio.run(get(app, "/static/graphiql/graphiql.min.js", "*/*"))

    assert "connect-src 'self'" in page.headers["content-security-policy"]
    config = config_of(page.text)
    assert config["endpoint"] == "/graphql"
    questions = example_questions()
    assert questions, "docs/questions.md lists no question with a GraphQL block"
    assert config["examples"] == [{"title": t, "query": q} for t, q in questions]
    assert asset.status_code == 200
