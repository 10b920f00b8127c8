"""GraphQL never shows a case graph: a case submitted to the registry, naming a product and
saying things of it, is in no GraphQL answer, on the memory store (cases in a store of their
own) and on a remote server that holds the KG and the cases together."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from store_support import Client, oxigraph_server

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.registry import TokenStore
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store import open_store

ROOT = Path(__file__).resolve().parents[2]
HOSPITAL = "https://example.org/hospital-a"
MARKER = "Zqcase marker"
CASE = (ROOT / "examples/cases/eu/conforms.ttl").read_text("utf-8") + (
    "\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    f'case:case rdfs:label "{MARKER} case"@en .\n'
    f'oosd:product-breyanzi skos:altLabel "{MARKER}" ; rdfs:label "{MARKER} label"@en .\n'
)
"""The EU example case, with a label of its own and a name for the product it supplies."""

DOCUMENTS = (
    '{ search(text: "zqcase") { id label matched kinds } }',
    '{ product(name: "zqcase marker") { id } }',
    '{ product(name: "Breyanzi") { altLabels label(lang: "en") } }',
    '{ products(filter: {text: "zqcase"}) { totalCount } }',
    '{ products { edges { node { brandName altLabels label(lang: "en") } } } }',
)


def _submit(client: Client, settings: Settings) -> None:
    token = TokenStore(settings.tokens_file).add("institution", org=HOSPITAL)[0]
    response = client.post(
        "/cases",
        params={"framework": "eu"},
        content=CASE.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201, response.text


def _answers(client: Client) -> list[Any]:
    answers = []
    for document in DOCUMENTS:
        response = client.post("/graphql", json={"query": document})
        assert response.status_code == 200, response.text
        assert "errors" not in response.json(), response.text
        answers.append(response.json()["data"])
    return answers


def _shows_no_case(answers: list[Any]) -> None:
    text = str(answers)
    assert MARKER.lower() not in text.lower()
    assert "oos-cases" not in text
    assert answers[1] == {"product": None}
    assert answers[3] == {"products": {"totalCount": 0}}


def test_a_case_in_the_memory_registry_is_in_no_answer(loaded: Any, tmp_path: Path) -> None:
    settings = Settings(store="memory", tokens_path=tmp_path / "tokens.json")
    client = Client(create_app(settings, store=loaded))
    before = _answers(client)
    _submit(client, settings)
    after = _answers(client)
    _shows_no_case(after)
    assert after == before


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, str]]:
    """Settings of a loaded store on an ``oxigraph serve`` of the module's own, and its URL."""
    tmp = tmp_path_factory.mktemp("remote")
    with oxigraph_server(tmp / "oxigraph") as base:
        settings = Settings(
            store="remote",
            remote_query_url=f"{base}/query",
            remote_update_url=f"{base}/update",
            tokens_path=tmp / "tokens.json",
        )
        store = open_store(settings)
        try:
            load_store(store, graph_sources(ROOT))
            yield settings, base
        finally:
            store.close()


@pytest.mark.integration
def test_a_case_on_the_shared_remote_server_is_in_no_answer(remote: tuple[Settings, str]) -> None:
    settings, base = remote
    store = open_store(settings)
    app = create_app(settings, store=store)
    client = Client(app)
    try:
        before = _answers(client)
        _submit(client, settings)
        # the server holds the case's statements, the product's new name among them
        found = httpx.post(
            f"{base}/query",
            content=f'ASK {{ GRAPH ?g {{ ?s ?p "{MARKER}" }} }}',
            headers={"Content-Type": "application/sparql-query"},
        )
        assert found.json()["boolean"] is True
        after = _answers(client)
    finally:
        registry = getattr(app.state, "registry", None)
        if registry is not None:
            registry.backend.close()
        store.close()
    _shows_no_case(after)
    assert after == before
