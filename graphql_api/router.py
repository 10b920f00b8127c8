"""The FastAPI router serving the schema at ``/graphql`` (GraphQL over HTTP, GET and POST)."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from cross_web import HTTPException as ViewHTTPException
from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graphql_api.context import GraphQLContext
from graphql_api.schema import OosSchema, build_schema
from oos_kg._limits import read_body, replay_body
from oos_kg.settings import Settings
from oos_kg.store.base import KgStore
from oos_kg.ui import PAGE_HEADERS, example_questions, graphiql_page

__all__ = ["GraphQLFastPath", "create_graphql_router"]

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


Handler = Callable[[Request], Coroutine[Any, Any, Response]]

_POST_OPERATIONS = frozenset(OperationType.from_http("POST"))
_STREAMED = ("multipart/mixed", "text/event-stream")


class _LeanRoute(APIRoute):
    """``POST /graphql``, documented from its endpoint but answered by the handler the endpoint
    carries (``endpoint.handler``), without FastAPI's per-request dependency resolution."""

    def get_route_handler(self) -> Handler:
        handler: Handler = self.endpoint.handler  # type: ignore[attr-defined]
        return handler


def _plain_json_request(headers: Headers) -> bool:
    """Tell whether a POST with ``headers`` is JSON and wants one JSON document back."""
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    accept = headers.get("accept", "").lower()
    return media == "application/json" and not any(kind in accept for kind in _STREAMED)


def _operation(body: bytes) -> tuple[str, dict[str, Any] | None, str | None, Any] | None:
    """Return the query, variables, operation name and extensions of a single-operation body,
    or ``None`` for anything else (a batch, bad JSON, fields of the wrong type)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # the app's handlers answer these
        return None
    if not isinstance(data, dict):
        return None
    query, variables = data.get("query"), data.get("variables")
    name, extensions = data.get("operationName"), data.get("extensions")
    if not isinstance(query, str) or not isinstance(variables, dict | None):
        return None
    if not isinstance(name, str | None) or not isinstance(extensions, dict | None):
        return None
    return query, variables, name, extensions


async def _run_json(schema: OosSchema, context: GraphQLContext, body: bytes) -> bytes | None:
    """Run a single JSON operation and return its JSON answer, or ``None`` for whatever the
    view must answer (a batch, a bad body, fields of the wrong type, an unknown operation
    name, a mutation where none is allowed: the view refuses those before anything runs)."""
    operation = _operation(body)
    if operation is None:
        return None
    query, variables, name, extensions = operation
    try:
        result = await schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=name,
            allowed_operation_types=_POST_OPERATIONS,
            operation_extensions=extensions,
        )
    except (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError):
        return None  # refused before running: the view says why, as it always did
    return json.dumps(process_result(result), separators=(",", ":")).encode()


def _lean_post(
    router: GraphQLRouter[GraphQLContext, None],
    schema: OosSchema,
    get_context: Callable[[Request], Awaitable[GraphQLContext]],
    check_body: Callable[[Request], Awaitable[None]] | None,
) -> Handler:
    """Answer ``POST /graphql``: a single JSON operation straight through the schema, anything
    else (batches, bad bodies, other content types) by strawberry's view as before.

    Strawberry's route resolves its context and root value as FastAPI dependencies and walks
    its whole view on every request, about as long as running a small document; the common
    request needs none of it. Both paths answer alike: the same schema (limits, masking),
    ``process_result``'s JSON, status 200; whatever the plain path cannot answer goes to the
    view (:func:`_run_json`).
    """

    async def answer(request: Request) -> Response:
        if check_body is not None:
            await check_body(request)
        context = await get_context(request)
        if _plain_json_request(request.headers):
            answered = await _run_json(schema, context, await request.body())
            if answered is not None:
                return Response(answered, media_type="application/json")
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]
        router.temporal_response = sub_response  # type: ignore[attr-defined]  # what its route sets
        try:
            return await router.run(request=request, context=context, root_value=None)
        except ViewHTTPException as error:
            return PlainTextResponse(error.reason, status_code=error.status_code)

    return answer


class GraphQLFastPath:
    """ASGI middleware answering ``POST /graphql`` with one JSON operation below FastAPI's
    routing, as the route would (:func:`_run_json`, same context, same JSON, status 200).

    FastAPI's request objects, router and middleware stack cost about 0.1-0.15 ms a request,
    as long as running a small document. Everything else (other paths and methods, other
    content types, batches, bodies the view must refuse) goes on to the app, the body
    handed on as it was read. Add it inside the body-size limit, with the router made by
    :func:`create_graphql_router` (``router.fast_path`` holds what it needs).
    """

    def __init__(self, app: ASGIApp, router: GraphQLRouter[GraphQLContext, None]) -> None:
        self.app = app
        self.path, self.schema, self.get_context = router.fast_path  # type: ignore[attr-defined]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if not _plain_json_request(request.headers):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:  # the client left before sending its body: nothing to answer
            return
        try:
            answered = await _run_json(self.schema, await self.get_context(request), body)
        except RecursionError:  # the app's handler answers it (400), through the route
            answered = None
        if answered is None:
            await self.app(scope, replay_body(body, receive), send)
            return
        await Response(answered, media_type="application/json")(scope, receive, send)


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

    check_body = _body_limit(settings.graphql_body_limit) if limit_body else None
    router = _Router(
        schema,
        path=path,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        context_getter=get_context,
        multipart_uploads_enabled=False,
        dependencies=[Depends(check_body)] if check_body is not None else [],
    )
    router.examples = example_questions()
    # POST is answered by a lean route (same answers, no per-request dependency resolution)
    router.routes[:] = [
        r for r in router.routes if not (isinstance(r, APIRoute) and "POST" in (r.methods or ()))
    ]

    async def graphql_post(request: Request) -> Response:
        """Run a GraphQL operation (or a batch) sent as JSON."""
        return await handler(request)

    handler = _lean_post(router, schema, get_context, check_body)  # type: ignore[arg-type]
    router.fast_path = (path, schema, get_context)  # type: ignore[attr-defined]
    graphql_post.handler = handler  # type: ignore[attr-defined]
    router.routes.append(_LeanRoute(path, graphql_post, methods=["POST"]))
    return router
