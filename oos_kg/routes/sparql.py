"""``/sparql`` (SPARQL 1.1 Protocol query operation) and ``/sparql/update`` (admin only)."""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from oos_kg.errors import InputError, QueryError
from oos_kg.linked_data.release import current_release
from oos_kg.linked_data.void import DATASET
from oos_kg.namespaces import GRAPH, GRAPH_NAMES
from oos_kg.registry import CASE_BASE, Caller, CaseBackend
from oos_kg.routes.cases import get_registry, registry_caller
from oos_kg.routes.deps import SettingsDep, StoreDep
from oos_kg.settings import Settings
from oos_kg.sparql.guard import check_query
from oos_kg.sparql.negotiation import acceptable_types, content_type, prefers_html
from oos_kg.sparql.protocol import QueryRequest, parse_query_request, parse_update_request
from oos_kg.sparql.service_description import service_description
from oos_kg.store.base import KgStore
from oos_kg.ui import PAGE_HEADERS, installed_example_queries, yasgui_page

__all__ = ["Forbidden", "Unauthorized", "anonymous_dataset", "router", "with_base"]

router = APIRouter(tags=["sparql"])

_QUERY_DESCRIPTION = (
    "SPARQL 1.1 Protocol query operation. GET with `?query=`, or POST a form "
    "(`query=`) or an `application/sparql-query` body; `default-graph-uri` and "
    "`named-graph-uri` select the dataset (default: the union of the named graphs). "
    "SELECT/ASK answer in SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE in Turtle, "
    "N-Triples, JSON-LD or RDF/XML, as the Accept header asks. Without a query: the "
    "service description (Turtle), or the query page for a browser."
)
_QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "results in the negotiated format"},
    400: {"description": "malformed or refused query (SERVICE, foreign FROM, update)"},
    406: {"description": "no offered format fits the Accept header"},
    413: {"description": "body over the size limit"},
    415: {"description": "POST body neither a form nor application/sparql-query"},
    502: {"description": "a remote store's answer that is not whole (never relayed in part)"},
    503: {"description": "query over the time limit, or store unavailable"},
    504: {"description": "a remote store ran over the time limit"},
}
_QUERY_PARAMETERS: dict[str, Any] = {
    "parameters": [
        {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}},
        *(
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": "array", "items": {"type": "string"}},
            }
            for name in ("default-graph-uri", "named-graph-uri")
        ),
    ]
}


class Unauthorized(InputError):
    """An update without the admin bearer token."""

    code = "unauthorized"
    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="oos-kg"'}


class Forbidden(InputError):
    """An update with a wrong token, or while updates are disabled."""

    code = "forbidden"
    status = 403


async def _query(request: Request) -> Response:
    """The signature OpenAPI documents; requests are answered by :func:`_answer_query`."""
    return await _answer_query(request)


async def _answer_query(request: Request) -> Response:
    """Answer a query operation: no per-request dependency resolution, one store call.

    Raises:
        QueryError, NotAcceptable, UnsupportedMediaType, QueryTimeout, StoreUnavailable:
            answered by the app's error handlers.
    """
    scope = request.scope
    state = scope["app"].state
    store: KgStore = state.store
    method = scope["method"]
    body = await request.body() if method == "POST" else b""
    headers = request.headers
    parsed = parse_query_request(
        method, scope["query_string"].decode("latin-1"), headers.get("content-type"), body
    )
    accept = headers.get("accept")
    if parsed.query is None:
        if prefers_html(accept):
            return _query_page(request)
        sizes = await run_in_threadpool(store.graph_sizes)
        sizes = {iri: n for iri, n in sizes.items() if not iri.startswith(CASE_BASE)}
        release = await run_in_threadpool(current_release, store)
        endpoint = str(request.url.replace(query=None, fragment=None))
        body = service_description(endpoint, sizes, release.void, DATASET.value)
        return Response(body, media_type="text/turtle")
    text = with_base(parsed.query, scope)
    caller = registry_caller(request)
    settings: Settings = state.settings
    if caller is None:
        default, named = anonymous_dataset(
            settings, text, parsed.default_graph_uris, parsed.named_graph_uris
        )
        media, result = await store.aquery_serialized(
            text,
            acceptable_types(accept),
            default_graph_uris=default,
            named_graph_uris=named,
            timeout_s=settings.query_timeout_s,
        )
    else:
        media, result = await _query_with_cases(request, text, parsed, caller, accept)
    return Response(result, media_type=content_type(media), headers=_VARY)


_KG_GRAPHS = tuple(str(GRAPH[name]) for name in GRAPH_NAMES)


def anonymous_dataset(
    settings: Settings, text: str, default: tuple[str, ...], named: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the dataset of a query sent without a token.

    The embedded and memory stores hold no case graph (the registry keeps its own store):
    the request's dataset stands. A remote store holds the cases too: a case graph named by
    ``FROM`` or the protocol is refused (the same words whether it exists or not), and a
    query naming no dataset gets the KG's graphs rather than the union of every graph.

    Raises:
        QueryError: a case graph named.
    """
    if settings.store != "remote":
        return default, named
    try:
        named_by_query = check_query(text, settings.allowed_hosts).dataset
    except QueryError:  # the store's own check refuses it, with the same message
        return default, named
    for iri in (*default, *named, *named_by_query):
        if iri.startswith(CASE_BASE):
            raise QueryError(f"no graph <{iri}> that this request may read")
    if default or named or named_by_query:
        return default, named
    return _KG_GRAPHS, _KG_GRAPHS


async def _query_with_cases(
    request: Request, text: str, parsed: QueryRequest, caller: Caller, accept: str | None
) -> tuple[str, bytes]:
    """Run a query over the case graphs ``caller`` may read (and the KG's graphs where the
    same store holds them).

    A query naming its own dataset with FROM is refused; ``default-graph-uri`` and
    ``named-graph-uri`` may name only graphs the token may read, and a case graph it may
    not read is refused with the same words whether it exists or not.

    Raises:
        QueryError, NotAcceptable, QueryTimeout, StoreUnavailable.
    """
    state = request.app.state
    settings: Settings = state.settings
    named_by_query = check_query(text, settings.allowed_hosts).dataset
    asked = (*parsed.default_graph_uris, *parsed.named_graph_uris)
    shared = settings.store == "remote"
    if named_by_query:
        raise QueryError(
            "with a registry token, name graphs with default-graph-uri and "
            "named-graph-uri, not FROM"
        )
    registry = await get_registry(request)
    visible = tuple(await run_in_threadpool(registry.visible_graphs, caller))
    readable = {*visible, *(_KG_GRAPHS if shared else ())}
    for iri in asked:
        if iri not in readable:
            raise QueryError(f"no graph <{iri}> that this request may read")
    if asked:
        default, named = parsed.default_graph_uris, parsed.named_graph_uris
    else:
        default = named = (*(_KG_GRAPHS if shared else ()), *visible)
    backend: KgStore | CaseBackend = state.store if shared else registry.backend
    return await run_in_threadpool(
        functools.partial(
            backend.query_serialized,
            text,
            acceptable_types(accept),
            default_graph_uris=default,
            named_graph_uris=named,
            timeout_s=settings.query_timeout_s,
        )
    )


_VARY = {"Vary": "Accept"}

_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_RELATIVE_IRIREF = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.\-]*:)[^<>\"{}|^`\\\x00-\x20]*>")
"""An IRI reference with no scheme: one search finds it (a loop over every IRI cost 2 us
on an 800-character query, the search 0.5 us)."""
_FALLBACK_BASE = "http://localhost/sparql"


def with_base(query: str, scope: Scope) -> str:
    """Give a query that writes relative IRIs (``<s>``) the endpoint's URL as its base IRI.

    The protocol leaves the base IRI to the service, "which MAY be the service endpoint"
    (W3C test ``update_base_uri``); without one, the stores refuse relative IRIs and the W3C
    test ``query_content_type_construct`` (``CONSTRUCT { <s> <p> 1 } WHERE {}``) fails. A
    query's own ``BASE`` still applies, resolved against this one. Queries with absolute IRIs
    only (nearly all) are passed unchanged. ``<`` comparisons may look like a relative IRI;
    they only get a base they do not need.

    Raises:
        Nothing: a Host header that no IRI can hold gives a fixed base instead.

    >>> with_base("ASK { <urn:a> ?p ?o }", {})
    'ASK { <urn:a> ?p ?o }'
    """
    if "<" not in query or _RELATIVE_IRIREF.search(query) is None:
        return query
    endpoint = str(URL(scope=scope).replace(query=None, fragment=None))
    if not _IRIREF.fullmatch(f"<{endpoint}>"):  # a Host header no IRI can hold
        endpoint = _FALLBACK_BASE
    return f"BASE <{endpoint}>\n{query}"


class _LeanRoute(APIRoute):
    """An API route documented from its endpoint but answered by :func:`_answer_query`.

    FastAPI resolves an endpoint's dependencies on every request (about a tenth of a
    millisecond); the query operation is the hot path of the service, so it reads the
    store and settings from the app state itself.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return _answer_query

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse other methods with an Allow header naming both (HTTP requires it in a 405).

        Starlette names only the methods of the first of the two routes (GET).

        Raises:
            HTTPException: 405, for a method other than GET or POST.
        """
        if scope["method"] not in _QUERY_METHODS:
            raise HTTPException(
                405,
                detail="method not allowed: the SPARQL query operation takes GET or POST",
                headers={"Allow": ", ".join(_QUERY_METHODS)},
            )
        await super().handle(scope, receive, send)


_QUERY_METHODS = ("GET", "POST")


for _method in _QUERY_METHODS:
    router.add_api_route(
        "/sparql",
        _query,
        methods=[_method],
        name=f"sparql_query_{_method.lower()}",
        summary="SPARQL 1.1 query operation",
        description=_QUERY_DESCRIPTION,
        responses=_QUERY_RESPONSES,
        openapi_extra=_QUERY_PARAMETERS,
        route_class_override=_LeanRoute,
    )


# ---- Browser page (helper W7: YASGUI) ----------------------------------------------------
# A browser that asks /sparql for text/html without a query gets YASGUI (oos_kg.ui), its
# assets served from the package at /static, with the example queries of docs/queries.
def _query_page(request: Request) -> Response:
    page = yasgui_page(request.url.path, installed_example_queries())
    return Response(page, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


# ---- Update operation --------------------------------------------------------------------
def _authorize(request: Request, settings: Settings) -> None:
    """Let the request through only with the admin bearer token.

    Raises:
        Forbidden: updates are disabled, or the token is wrong.
        Unauthorized: no bearer token.
    """
    if not settings.updates_enabled or settings.admin_token is None:
        raise Forbidden("updates are disabled on this server (OOS_KG_ADMIN_TOKEN is not set)")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("updates need the admin token: Authorization: Bearer <token>")
    if not hmac.compare_digest(token.strip().encode(), settings.admin_token.encode()):
        raise Forbidden("the admin token is wrong")


@router.post(
    "/sparql/update",
    status_code=204,
    responses={
        204: {"description": "the update was applied"},
        400: {"description": "malformed or refused update (LOAD, SERVICE)"},
        401: {"description": "no bearer token"},
        403: {"description": "wrong token, or updates disabled"},
        413: {"description": "body over the size limit"},
        415: {"description": "body neither a form nor application/sparql-update"},
        503: {"description": "update over the time limit, or store unavailable"},
    },
)
async def sparql_update(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """SPARQL 1.1 Update with the admin bearer token; all or nothing.

    POST an ``application/sparql-update`` body or a form with ``update=``. Without the
    token: 401; with a wrong one, or when the server has no token set: 403. Nothing
    changes on any refusal or error.
    """
    _authorize(request, settings)
    parsed = parse_update_request(
        request.scope["query_string"].decode("latin-1"),
        request.headers.get("content-type"),
        await request.body(),
    )
    await run_in_threadpool(store.update, parsed.update, timeout_s=settings.query_timeout_s)
    return Response(status_code=204)
