"""The query operation's hot path, answered below FastAPI's routing.

A SPARQL query through ``/sparql`` is the service's most frequent request and often its
cheapest: on the paper's graph ``oxigraph serve`` answers a point lookup in well under a tenth
of a millisecond. FastAPI's request objects, router and middleware stack cost more than that
per request (measured: about 0.15-0.2 ms of the 0.44 ms a point lookup took), so
:class:`SparqlFastPath` answers a query that parses, at ASGI level, with the same functions
the ``/sparql`` route calls (:func:`~oos_kg.sparql.protocol.parse_query_request`,
:func:`~oos_kg.routes.sparql.with_base` for relative IRIs, the store's ``aquery_serialized``
with the time limit, the same response headers).

A remote store also holds the case registry's graphs: the query then gets the dataset
:func:`~oos_kg.routes.sparql.anonymous_dataset` gives it, as on the route.

Everything else goes on to the app unchanged: other paths and methods; a request with a
bearer token (the route decides which case graphs it may read); a request without a query
(the service description, or YASGUI for a browser); and any request the protocol parser or
content negotiation refuses, which the route then answers with its usual error (the body is
handed on as it was read).
The query itself runs once: an error of the store call (a refused or malformed query, the
time limit, a store that is down) is answered here with the JSON error body the app's
handlers write, and anything unexpected propagates to the app's last-resort handler as it
would from the route.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from oos_kg._limits import read_body, replay_body
from oos_kg.errors import OosKgError
from oos_kg.routes.sparql import anonymous_dataset, with_base
from oos_kg.sparql.negotiation import acceptable_types, content_type
from oos_kg.sparql.protocol import parse_query_request

__all__ = ["QUERY_PATH", "SparqlFastPath"]

QUERY_PATH = "/sparql"
_METHODS = frozenset({"GET", "POST"})
_VARY = {"Vary": "Accept"}


class SparqlFastPath:
    """ASGI middleware answering ``GET``/``POST /sparql`` queries without FastAPI's routing.

    Add it inside the body-size limit (so a body over the limit is still answered 413) and
    with the app's state holding ``store`` and ``settings``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != QUERY_PATH
            or scope["method"] not in _METHODS
        ):
            await self.app(scope, receive, send)
            return
        state: Any = scope["app"].state
        if any(name == b"authorization" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)  # the route decides what a token may read
            return
        method: str = scope["method"]
        body = await read_body(receive) if method == "POST" else b""
        if body is None:  # the client left before sending its body: nothing to answer
            return
        content: str | None = None
        accept: str | None = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content = value.decode("latin-1")
            elif name == b"accept":
                accept = value.decode("latin-1")
        try:
            parsed = parse_query_request(
                method, scope["query_string"].decode("latin-1"), content, body
            )
            media_types = acceptable_types(accept) if parsed.query is not None else ()
        except Exception:  # the route answers it, with the app's error handlers
            parsed = None
        if parsed is None or parsed.query is None:
            await self.app(scope, replay_body(body, receive), send)
            return
        try:
            text = with_base(parsed.query, scope)
            default, named = anonymous_dataset(
                state.settings, text, parsed.default_graph_uris, parsed.named_graph_uris
            )
            media, result = await state.store.aquery_serialized(
                text,
                media_types,
                default_graph_uris=default,
                named_graph_uris=named,
                timeout_s=state.settings.query_timeout_s,
            )
        except OosKgError as exc:  # as the app's handler for OosKgError answers it
            error = JSONResponse(exc.to_json(), status_code=exc.status)
            error.headers.update(getattr(exc, "headers", {}))
            await error(scope, receive, send)
            return
        response = Response(result, media_type=content_type(media), headers=_VARY)
        await response(scope, receive, send)
