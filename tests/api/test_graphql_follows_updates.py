"""GraphQL answers from the data as it is after an update: the indexes it keeps for a version
of the data (names, the products' listing order) are built again for the new version, and a
remote server, whose versions cannot be told, is asked every time."""

from __future__ import annotations

from typing import Any

import pytest
from store_support import ADMIN_TOKEN, Client

from graphql_api.sparql import query_text
from oos_kg.namespaces import GRAPH, OOS, OOSD

PRODUCT = f"{OOSD}product-test-follows"
DOCUMENT = """{ product(name: "NEWCEL") { id }
  products { totalCount edges { node { id } } }
  withTrial: products(filter: {oosProvision: CLINICAL_TRIAL}) { totalCount } }"""


def _ask(client: Client) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": DOCUMENT})
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _ordered(client: Client) -> list[str]:
    """Every product in products.rq's order, asked of /sparql."""
    response = client.post(
        "/sparql",
        content=query_text("products", {}, ("order",)),
        headers={
            "content-type": "application/sparql-query",
            "accept": "application/sparql-results+json",
        },
    )
    assert response.status_code == 200, response.text
    return [row["s"]["value"] for row in response.json()["results"]["bindings"]]


def _update(client: Client, text: str) -> None:
    response = client.post(
        "/sparql/update",
        content=text,
        headers={
            "content-type": "application/sparql-update",
            "authorization": f"Bearer {ADMIN_TOKEN}",
        },
    )
    assert response.status_code == 204, response.text


@pytest.mark.usefixtures("reset")
def test_graphql_follows_an_update(client: Client) -> None:
    before = _ask(client)
    assert before["product"] is None
    listed = [edge["node"]["id"] for edge in before["products"]["edges"]]
    triples = (
        f"<{PRODUCT}> a <{OOS}RegenerativeMedicineProduct> ; <{OOS}brandName> 'Newcel' ;"
        f" <{OOS}oosProvisionStatus> <{OOS}oos-provision-clinical-trial> ."
    )
    _update(client, f"INSERT DATA {{ GRAPH <{GRAPH.products}> {{ {triples} }} }}")
    after = _ask(client)
    assert after["product"] == {"id": PRODUCT}
    assert after["products"]["totalCount"] == before["products"]["totalCount"] + 1
    found = [edge["node"]["id"] for edge in after["products"]["edges"]]
    assert sorted(found) == sorted([PRODUCT, *listed])
    assert found == _ordered(client)  # in products.rq's order of the data as it is now
    assert after["withTrial"]["totalCount"] == before["withTrial"]["totalCount"] + 1
    _update(client, f"DELETE WHERE {{ GRAPH <{GRAPH.products}> {{ <{PRODUCT}> ?p ?o }} }}")
    assert _ask(client) == before
