"""Updates without the admin token, or with a wrong one, are refused and change nothing; an
update that fails half-way changes nothing either."""

from __future__ import annotations

import base64

import pytest
from live_service import ADMIN_TOKEN, Service

SPARQL_UPDATE = {"Content-Type": "application/sparql-update"}
DESTRUCTIVE = [
    "CLEAR ALL",
    "DROP ALL",
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT DATA { GRAPH <https://w3id.org/oos-kg/graph/products> { <urn:a> <urn:b> <urn:c> } }",
]
WRONG: list[tuple[dict[str, str | bytes], int]] = [
    ({}, 401),
    ({"Authorization": "Bearer"}, 401),
    ({"Authorization": f"Basic {base64.b64encode(f'admin:{ADMIN_TOKEN}'.encode()).decode()}"}, 401),
    ({"Authorization": f"Token {ADMIN_TOKEN}"}, 401),
    ({"Authorization": "Bearer wrong-token-of-the-same-length-01234567"}, 403),
    ({"Authorization": f"Bearer {ADMIN_TOKEN[:-1]}"}, 403),
    ({"Authorization": f"Bearer {ADMIN_TOKEN}x"}, 403),
    ({"Authorization": f"Bearer {ADMIN_TOKEN.upper()}"}, 403),
    ({"Authorization": f"Bearer {ADMIN_TOKEN}\u00e9".encode()}, 403),
    ({"X-Admin-Token": ADMIN_TOKEN}, 401),
    ({"Cookie": f"token={ADMIN_TOKEN}"}, 401),
]


@pytest.mark.parametrize(("auth", "status"), WRONG)
@pytest.mark.parametrize("update", DESTRUCTIVE)
def test_update_without_the_right_token_is_refused_and_changes_nothing(
    server: Service, auth: dict[str, str | bytes], status: int, update: str
) -> None:
    before = server.count()
    response = server.post("/sparql/update", content=update, headers={**SPARQL_UPDATE, **auth})
    assert response.status_code == status, response.text
    assert "token" in response.json()["error"]["message"]
    assert server.count() == before


def test_a_token_in_the_url_or_form_is_not_a_token(server: Service) -> None:
    before = server.count()
    in_url = server.post(
        f"/sparql/update?access_token={ADMIN_TOKEN}&token={ADMIN_TOKEN}",
        content="CLEAR ALL",
        headers=SPARQL_UPDATE,
    )
    assert in_url.status_code == 401
    in_form = server.post("/sparql/update", data={"update": "CLEAR ALL", "token": ADMIN_TOKEN})
    assert in_form.status_code == 401
    assert server.count() == before


def test_updates_never_come_through_the_query_operation(server: Service) -> None:
    before = server.count()
    for response in (
        server.get("/sparql", params={"update": "CLEAR ALL"}),
        server.post("/sparql", data={"update": "CLEAR ALL"}),
        server.post("/sparql", data={"query": "CLEAR ALL"}),
        server.post(
            "/sparql",
            content="CLEAR ALL",
            headers={"Content-Type": "application/sparql-update"},
        ),
    ):
        assert response.status_code == 400, response.text
    assert server.count() == before


HALF_WAY = [
    # the first operation is fine, a later one fails when it runs
    "INSERT DATA { GRAPH <urn:x:half> { <urn:a> <urn:b> <urn:c> } } ;"
    " CREATE GRAPH <https://w3id.org/oos-kg/graph/ontology>",
    "CLEAR ALL ; DROP GRAPH <urn:x:never-created>",
    "DELETE WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> }",
    "DROP ALL ; LOAD <http://127.0.0.1:9/graph.ttl>",
]


@pytest.mark.parametrize("update", HALF_WAY)
def test_an_update_that_fails_half_way_changes_nothing(server: Service, update: str) -> None:
    before = server.count()
    graphs_before = server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    response = server.post(
        "/sparql/update",
        content=update,
        headers={**SPARQL_UPDATE, "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 400, response.text
    assert server.count() == before
    assert server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }") == graphs_before


def test_the_right_token_does_change_the_data(server: Service) -> None:
    """The control: the counts above would have moved had the updates run."""
    auth = {**SPARQL_UPDATE, "Authorization": f"Bearer {ADMIN_TOKEN}"}
    before = server.count()
    insert = "INSERT DATA { GRAPH <urn:x:probe> { <urn:a> <urn:b> <urn:c> } }"
    assert server.post("/sparql/update", content=insert, headers=auth).status_code == 204
    assert server.count() == before + 1
    drop = "DROP GRAPH <urn:x:probe>"
    assert server.post("/sparql/update", content=drop, headers=auth).status_code == 204
    assert server.count() == before


@pytest.mark.parametrize("update", ["# load", "PREFIX t: <http://127.0.0.1:9/> # from"])
def test_an_update_of_only_a_prologue_or_comment_is_a_harmless_no_op(
    server: Service, update: str
) -> None:
    """Found by the property tests: the guard crashed on an update with no operation (503)."""
    before = server.count()
    response = server.post(
        "/sparql/update",
        content=update,
        headers={**SPARQL_UPDATE, "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code in (204, 400), response.text
    assert server.count() == before
