"""A stand-in app serving both UI pages, and a uvicorn server on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Annotated

import uvicorn
from fastapi import FastAPI, Form, Header, Request, Response
from fastapi.responses import HTMLResponse
from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

from graphql_api.router import create_graphql_router
from oos_kg.namespaces import GRAPH
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store.base import Bindings
from oos_kg.ui import example_queries, mount_static, yasgui_page

FALLBACK_EXAMPLES = [
    (
        "Every class of the ontology, with its English label",
        "\n".join(
            (
                "# Every class of the ontology, with its English label",
                "PREFIX owl: <http://www.w3.org/2002/07/owl#>",
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
                "SELECT ?class ?label WHERE {",
                "    ?class a owl:Class ; rdfs:label ?label .",
                '    FILTER (lang(?label) = "en")',
                "} ORDER BY ?class",
            )
        ),
    ),
]


class ReadStore:
    """The read half of the KgStore Protocol over a pyoxigraph Store (enough for GraphQL)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, query: str, *, timeout_s: float | None = None) -> list[Bindings]:  # noqa: ARG002
        result = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        names = [variable.value for variable in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]  # type: ignore[misc]

    def ask(self, query: str, *, timeout_s: float | None = None) -> bool:  # noqa: ARG002
        return bool(self.store.query(query, use_default_graph_as_union=True))


def sparql_examples() -> list[tuple[str, str]]:
    """The example queries of docs/queries, or one of our own while that folder is empty."""
    return example_queries() or FALLBACK_EXAMPLES


def run_query(store: Store, query: str, accept: str) -> Response:
    """Answer one SPARQL query from ``store`` the way a protocol endpoint would."""
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, QuerySolutions | QueryBoolean):
        if "text/csv" in accept:
            body = result.serialize(format=QueryResultsFormat.CSV)
            return Response(body, media_type="text/csv")
        body = result.serialize(format=QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")
    return Response(result.serialize(format=RdfFormat.TURTLE), media_type="text/turtle")


def stand_in_app(store: Store) -> FastAPI:
    """An app with the two pages wired as the real routes will wire them.

    ``/sparql`` answers queries from ``store`` (pyoxigraph, JSON results) and serves YASGUI to a
    browser that asks for HTML without a query; ``/graphql`` is the project's GraphQL router
    over the same store.
    """
    app = FastAPI()
    mount_static(app)
    examples = sparql_examples()

    @app.get("/sparql")
    def sparql_get(
        request: Request, query: str | None = None, accept: Annotated[str, Header()] = ""
    ) -> Response:
        if query is None:
            if "text/html" in accept:
                return HTMLResponse(yasgui_page(str(request.url_for("sparql_get")), examples))
            return Response("service description", media_type="text/plain")
        return run_query(store, query, accept)

    @app.post("/sparql")
    def sparql_post(
        query: Annotated[str, Form()], accept: Annotated[str, Header()] = ""
    ) -> Response:
        return run_query(store, query, accept)

    app.include_router(
        create_graphql_router(Settings(store="memory"), store_getter=lambda _r: ReadStore(store))
    )
    return app


@dataclass(frozen=True, slots=True)
class LiveServer:
    """A uvicorn server running in a thread of the test process."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(app: FastAPI) -> LiveServer:
    """Start ``app`` under uvicorn on a free loopback port and wait until it answers.

    Raises:
        RuntimeError: when the server has not started within 20 seconds.
    """
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-ui-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


def stop_server(live: LiveServer) -> None:
    """Ask the server to exit and wait for its thread."""
    live.server.should_exit = True
    live.thread.join(timeout=10)


def graph_store() -> Store:
    """An in-memory store of the source files that exist so far, each in its named graph."""
    store = Store()
    for source in graph_sources():
        graph = NamedNode(str(GRAPH[source.name]))
        for path in source.files:
            if path.is_file():
                store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=graph)
    return store
