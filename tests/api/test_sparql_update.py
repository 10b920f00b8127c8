"""``/sparql/update``: admin token only, all or nothing, bounded bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from store_support import ADMIN_TOKEN, Client

from oos_kg.app import create_app
from oos_kg.namespaces import GRAPH
from oos_kg.settings import Settings

INSERT = f"INSERT DATA {{ GRAPH <{GRAPH.products}> {{ <urn:x:s> <urn:x:p> 'new' }} }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SPARQL_UPDATE = {"content-type": "application/sparql-update"}


def triples(client: Client) -> int:
    body = client.get("/sparql", params={"query": COUNT}).content
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def bearer(token: str) -> dict[str, str]:
    return {**SPARQL_UPDATE, "authorization": f"Bearer {token}"}


@pytest.mark.usefixtures("reset")
def test_update_with_the_token_changes_the_store(client: Client) -> None:
    before = triples(client)
    response = client.post("/sparql/update", content=INSERT, headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 204
    assert triples(client) == before + 1


@pytest.mark.usefixtures("reset")
def test_update_as_a_form_field(client: Client) -> None:
    before = triples(client)
    response = client.post(
        "/sparql/update",
        data={"update": INSERT},
        headers={"authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 204
    assert triples(client) == before + 1


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        (SPARQL_UPDATE, 401, "unauthorized"),
        ({**SPARQL_UPDATE, "authorization": f"Basic {ADMIN_TOKEN}"}, 401, "unauthorized"),
        (bearer("wrong-token-wrong-token-wrong"), 403, "forbidden"),
        (bearer(ADMIN_TOKEN + "x"), 403, "forbidden"),
    ],
    ids=["no-token", "basic-scheme", "wrong-token", "token-prefix"],
)
def test_refused_updates_change_nothing(
    client: Client, headers: dict[str, str], status: int, code: str
) -> None:
    before = triples(client)
    response = client.post("/sparql/update", content=INSERT, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert triples(client) == before


@pytest.mark.parametrize(
    "update",
    [
        f"{INSERT} ; LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        f"{INSERT} ; INSERT DATA {{ <urn:a> <urn:b> }}",
    ],
    ids=["load", "service", "malformed-second-op"],
)
def test_bad_updates_are_400_and_change_nothing(client: Client, update: str) -> None:
    before = triples(client)
    response = client.post("/sparql/update", content=update, headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 400
    assert triples(client) == before


def test_updates_are_off_without_an_admin_token() -> None:
    app = create_app(Settings(store="memory"))
    response = Client(app).post("/sparql/update", content=INSERT, headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 403
    assert "disabled" in response.json()["error"]["message"]


def test_update_body_over_the_limit_is_413(client: Client) -> None:
    before = triples(client)
    big = INSERT + " #" + "x" * 1_100_000
    response = client.post("/sparql/update", content=big, headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 413
    assert triples(client) == before


def test_query_body_over_the_limit_is_413_even_when_streamed(client: Client) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the body arrives chunked
        for _ in range(40):
            yield b"#" + b"x" * 49_999

    response = client.post(
        "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_query_sent_to_the_update_operation_is_400(client: Client) -> None:
    response = client.post(
        "/sparql/update",
        content="ASK {}",
        headers={
            "content-type": "application/sparql-query",
            "authorization": f"Bearer {ADMIN_TOKEN}",
        },
    )
    assert response.status_code == 400
