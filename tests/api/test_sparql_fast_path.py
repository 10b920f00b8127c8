"""The ``/sparql`` fast path answers exactly as the route does, and hands on what it does not
answer itself, on both backends."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import to_isomorphic
from store_support import Client

from oos_kg.app import create_app
from oos_kg.routes._sparql_fast import SparqlFastPath
from oos_kg.settings import Settings
from oos_kg.store import KgStore

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/oos-kg/ontology#RegenerativeMedicineProduct> }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
GRAPH = "https://w3id.org/oos-kg/graph/products"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}

# (method, url, headers, body): the query operation in each of its forms, and its refusals
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("GET", f"/sparql?query={quote(SELECT)}", {}, b""),
    ("GET", f"/sparql?query={quote(SELECT)}", {"Accept": "text/csv"}, b""),
    ("GET", f"/sparql?query={quote('ASK {}')}", {"Accept": "application/sparql-results+xml"}, b""),
    ("GET", f"/sparql?query={quote(CONSTRUCT)}", {"Accept": "application/n-triples"}, b""),
    ("POST", "/sparql", FORM, urlencode({"query": SELECT}).encode()),
    ("POST", "/sparql", {**DIRECT, "Accept": "text/tab-separated-values"}, SELECT.encode()),
    (
        "POST",
        f"/sparql?default-graph-uri={quote(GRAPH)}",
        DIRECT,
        b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    ),
    ("GET", "/sparql", {"Accept": "text/turtle"}, b""),  # the service description
    ("GET", "/sparql", {"Accept": "text/html"}, b""),  # YASGUI
    ("GET", f"/sparql?query={quote('SELEC nothing')}", {}, b""),  # malformed
    ("GET", f"/sparql?query={quote(SELECT)}&query={quote(SELECT)}", {}, b""),  # two queries
    ("POST", "/sparql", {"Content-Type": "text/plain"}, SELECT.encode()),  # wrong media type
    ("POST", "/sparql", DIRECT, b"INSERT DATA { <x:a> <x:b> <x:c> }"),  # update sent here
    ("GET", f"/sparql?query={quote(SELECT)}", {"Accept": "image/png"}, b""),  # nothing fits
    (
        "GET",
        f"/sparql?query={quote('SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }')}",
        {},
        b"",
    ),
    ("POST", "/sparql", DIRECT, b"\xff\xfe not utf-8"),
    ("PUT", "/sparql", DIRECT, SELECT.encode()),  # not the query operation's method
    ("POST", "/sparql", DIRECT, b"CONSTRUCT { <s> <p> 1 } WHERE {}"),  # relative IRIs
]


def _without_fast_path(settings: Settings, store: KgStore) -> Any:
    app = create_app(settings, store=store)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not SparqlFastPath]
    return app


def _seen(response: httpx.Response) -> tuple[int, str | None, str | None, object]:
    media = response.headers.get("content-type")
    content: object = response.content
    if media is not None and media.startswith("text/turtle"):  # blank node labels differ
        content = to_isomorphic(Graph().parse(data=response.content, format="turtle"))
    return response.status_code, media, response.headers.get("vary"), content


@pytest.mark.parametrize(("method", "url", "headers", "body"), REQUESTS)
def test_the_fast_path_answers_as_the_route_does(
    backend: tuple[Settings, KgStore],
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
) -> None:
    settings, store = backend
    fast = Client(create_app(settings, store=store))
    routed = Client(_without_fast_path(settings, store))
    assert any(m.cls is SparqlFastPath for m in fast.app.user_middleware)
    got = fast.request(method, url, headers=headers, content=body)
    expected = routed.request(method, url, headers=headers, content=body)
    assert _seen(got) == _seen(expected)


def test_a_query_the_fast_path_answers_never_reaches_the_route(
    backend: tuple[Settings, KgStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, store = backend
    client = Client(create_app(settings, store=store))

    async def route_called(*_: object) -> None:
        raise AssertionError("the route answered a query the fast path should have")

    monkeypatch.setattr("oos_kg.routes.sparql._answer_query", route_called)
    response = client.get("/sparql", params={"query": SELECT})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"]


def test_a_store_error_is_answered_once_with_the_apps_error_body(
    backend: tuple[Settings, KgStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, store = backend
    calls: list[str] = []
    real = type(store).aquery_serialized

    async def counting(self: KgStore, query: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return await real(self, query, *args, **kwargs)

    monkeypatch.setattr(type(store), "aquery_serialized", counting)
    client = Client(create_app(settings, store=store))
    # parses as SPARQL, refused by the store's own check (SERVICE to a host not allowed)
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = client.post("/sparql", content=query, headers=DIRECT)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "query_error"
    assert len(calls) == 1  # the route did not run it again


def test_a_body_over_the_limit_is_still_refused_before_the_fast_path(
    backend: tuple[Settings, KgStore],
) -> None:
    settings, store = backend
    small = settings.model_copy(update={"query_body_limit": 64})
    client = Client(create_app(small, store=store))
    response = client.post("/sparql", content=("#" * 100 + "\nASK {}").encode(), headers=DIRECT)
    assert response.status_code == 413
