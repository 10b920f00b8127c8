"""The FastAPI router serving the schema at ``/graphql`` (GraphQL over HTTP, GET and POST)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from graphql_api.context import GraphQLContext
from graphql_api.schema import build_schema
from oos_kg.settings import Settings
from oos_kg.store.base import KgStore
from oos_kg.ui import PAGE_HEADERS, example_questions, graphiql_page

__all__ = ["create_graphql_router"]

StoreGetter = Callable[[Request], KgStore]


def _app_store(request: Request) -> KgStore:
    store: KgStore = request.app.state.store
    return store


def _body_limit(limit: int) -> Callable[[Request], object]:
    async def check(request: Request) -> None:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise HTTPException(413, f"GraphQL request body over {limit} bytes")
        if request.method != "POST":
            return
        size = 0
        chunks: list[bytes] = []
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, f"GraphQL request body over {limit} bytes")
            chunks.append(chunk)
        request._body = b"".join(chunks)  # what Request.body() caches; strawberry reads it next

    return check


class _Router(GraphQLRouter[GraphQLContext, None]):
    """Strawberry's router, with the package's GraphiQL page (assets from /static, no CDN)."""

    examples: list[tuple[str, str]]  # set by create_graphql_router

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_page(request.url.path, self.examples), headers=PAGE_HEADERS)


def create_graphql_router(
    settings: Settings,
    store_getter: StoreGetter = _app_store,
    path: str = "/graphql",
    *,
    limit_body: bool = True,
) -> GraphQLRouter[GraphQLContext, None]:
    """Return the router to include in the app (``app.include_router(router)``).

    Queries come by GET (``?query=``) or POST (JSON); mutations are refused over GET and bodies
    other than JSON are refused (CSRF). Limits come from ``settings``. A browser's GET without a
    query gets GraphiQL (:func:`oos_kg.ui.graphiql_page`, with the questions of
    ``docs/questions.md``), whose assets the app serves at ``/static``.

    Args:
        settings: limits, time-outs and body size.
        store_getter: how a request finds the store; ``request.app.state.store`` by default.
        path: where the endpoint lives.
        limit_body: refuse bodies over ``settings.graphql_body_limit`` with 413 in the route;
            an app whose middleware already bounds the path's bodies (``create_app``) passes
            ``False`` and saves a dependency on every request.

    Raises:
        strawberry.exceptions.StrawberryException: when the schema cannot be built.
    """
    schema = build_schema(settings)

    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
        weakref.WeakKeyDictionary()
    )

    async def get_context(request: Request) -> GraphQLContext:
        loop = asyncio.get_running_loop()
        gate = gates.get(loop)
        if gate is None:
            gate = gates[loop] = asyncio.Semaphore(settings.graphql_store_concurrency)
        return GraphQLContext(store_getter(request), settings, gate)

    router = _Router(
        schema,
        path=path,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        context_getter=get_context,
        multipart_uploads_enabled=False,
        dependencies=[Depends(_body_limit(settings.graphql_body_limit))] if limit_body else [],
    )
    router.examples = example_questions()
    return router
