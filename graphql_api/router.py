"""The FastAPI router serving the schema at ``/graphql`` (GraphQL over HTTP, GET and POST)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from graphql_api.context import GraphQLContext
from graphql_api.schema import build_schema
from oos_kg.settings import Settings
from oos_kg.store.base import KgStore
from oos_kg.ui import PAGE_HEADERS, example_questions, graphiql_page

__all__ = ["create_graphql_router"]

StoreGetter = Callable[[Request], KgStore]


class _Router(GraphQLRouter[GraphQLContext, None]):
    """Strawberry's router serving the package's GraphiQL page (``render_graphql_ide``)."""

    examples: list[tuple[str, str]]

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_page(request.url.path, self.examples), headers=PAGE_HEADERS)


def create_graphql_router(
    settings: Settings, store_getter: StoreGetter | None = None, path: str = "/graphql"
) -> GraphQLRouter[GraphQLContext, None]:
    """Return the router to include in the app: queries by GET (``?query=``) or POST (JSON),
    mutations refused over GET, bodies other than JSON refused (CSRF), limits from
    ``settings`` (the app's middleware bounds the body size); a browser's GET without a query
    gets GraphiQL (:func:`oos_kg.ui.graphiql_page`). ``store_getter``: how a request finds the
    store (``request.app.state.store`` by default).

    Raises:
        strawberry.exceptions.StrawberryException: when the schema cannot be built.
    """

    async def get_context(request: Request) -> GraphQLContext:
        store = store_getter(request) if store_getter else request.app.state.store
        return GraphQLContext(store, settings)

    router = _Router(
        build_schema(settings),
        path=path,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        context_getter=get_context,
        multipart_uploads_enabled=False,
    )
    router.examples = example_questions()
    return router
