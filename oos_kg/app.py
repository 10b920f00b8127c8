"""The FastAPI application: ``create_app(settings)`` builds it, opening the store.

Every router hangs off this one app; errors from :mod:`oos_kg.errors` become JSON bodies
``{"error": {"code", "message"}}`` with the status the error class names, and nothing ever
answers with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from graphql_api.router import create_graphql_router
from oos_kg import __version__
from oos_kg._limits import BodyLimitMiddleware
from oos_kg.errors import OosKgError
from oos_kg.routes._sparql_fast import SparqlFastPath
from oos_kg.settings import Settings
from oos_kg.store import KgStore, open_store
from oos_kg.ui import mount_static

__all__ = ["create_app"]

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OosKgError)
    async def oos_kg_error(_: Request, exc: OosKgError) -> JSONResponse:
        response = JSONResponse(exc.to_json(), status_code=exc.status)
        for name, value in getattr(exc, "headers", {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        response = _error(exc.status_code, code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error(400, "bad_request", problems or "invalid request")

    @app.exception_handler(RecursionError)
    async def recursion_error(_: Request, __: RecursionError) -> JSONResponse:
        return _error(400, "bad_request", "the input is nested too deeply")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.error("unexpected error: %s", type(exc).__name__, exc_info=exc)
        return _error(500, "internal_error", "internal error; the server log has the details")


def create_app(settings: Settings, store: KgStore | None = None) -> FastAPI:
    """Build the application.

    Args:
        settings: the service settings (tests pass their own).
        store: a store to serve; opened from ``settings`` when None, and then closed when
            the app shuts down.

    Returns:
        The app, with ``app.state.settings`` and ``app.state.store`` set.

    Raises:
        StoreError: the settings name no usable store.
    """
    owned = store is None
    the_store = open_store(settings) if store is None else store

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        yield
        registry = getattr(application.state, "registry", None)
        if registry is not None:  # the case registry, opened by its first request
            registry.close()
        if owned:
            the_store.close()

    app = FastAPI(
        title="oos-kg",
        version=__version__,
        summary="Compassionate use of out-of-specification autologous products: SPARQL, "
        "GraphQL and case validation over one knowledge graph.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc: oos_kg.routes.pages, assets from the package
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = the_store
    _install_error_handlers(app)
    graphql = create_graphql_router(settings)  # its bodies bounded by the middleware below
    app.add_middleware(SparqlFastPath)  # added first: inside the body limit below
    app.add_middleware(
        BodyLimitMiddleware,
        limits={
            "/sparql": settings.query_body_limit,
            "/sparql/update": settings.update_body_limit,
            "/validate": settings.validate_body_limit,
            "/check": settings.validate_body_limit,
            "/graphql": settings.graphql_body_limit,
            "/cases": settings.validate_body_limit,
        },
        default=settings.query_body_limit,
    )

    from oos_kg.routes import cases, health, pages, resources, sparql
    from oos_kg.routes import validate as validate_routes

    app.include_router(graphql)  # first: matched before the other routes on every request
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(cases.router)
    app.include_router(validate_routes.router)
    app.include_router(resources.create_router())
    app.include_router(pages.router)
    mount_static(app)  # YASGUI and GraphiQL assets for the browser pages
    return app
