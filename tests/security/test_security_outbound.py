"""No outbound request, ever, from untrusted SPARQL: SERVICE, FROM, FROM NAMED and LOAD.

Each probe points at a listener the test runs on 127.0.0.1; the probe must be refused with a
400 that names the construct, the listener must see no connection, and the service must still
answer. The first test shows the trap works and that the engine underneath really would call
out, so the refusals are what keeps it quiet.
"""

from __future__ import annotations

import httpx
import pytest
from live_service import ADMIN_TOKEN, Listener, Service
from pyoxigraph import Store

UPDATE = {"Content-Type": "application/sparql-update"}
TOKEN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_the_trap_records_a_connection_and_pyoxigraph_would_make_one(trap: Listener) -> None:
    httpx.get(trap.url + "/direct", timeout=5)
    assert len(trap.hits) == 1
    with pytest.raises(RuntimeError, match="Content-Type returned by service"):  # our reply
        list(Store().query(f"SELECT * WHERE {{ SERVICE <{trap.url}/sparql> {{ ?s ?p ?o }} }}"))
    assert len(trap.hits) == 2, "pyoxigraph no longer calls SERVICE endpoints: revisit the guard"
    with pytest.raises(AssertionError, match="outbound"):
        trap.assert_untouched(settle_s=0)


QUERIES = [
    "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}/sparql> { ?s ?p ?o } }",
    "select * where { service <{url}/sparql> { ?s ?p ?o } }",
    "PREFIX t: <{url}/> SELECT * WHERE { SERVICE t:sparql { ?s ?p ?o } }",
    "BASE <{url}/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <{url}/sparql> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <{url}/x> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}/x> { ?s ?p ?o } } } }",
    "ASK { FILTER EXISTS { SERVICE <{url}/x> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}/x> { ?s ?p ?o } }",
    "SELECT * FROM <{url}/graph.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}/graph.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DESCRIBE <urn:x> FROM <{url}/graph.ttl>",
    "PREFIX t: <{url}/> SELECT * FROM t:graph.ttl WHERE { ?s ?p ?o }",
    "LOAD <{url}/graph.ttl>",
]


@pytest.mark.parametrize("template", QUERIES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_operation_never_calls_out(
    server: Service, trap: Listener, template: str, method: str
) -> None:
    query = template.replace("{url}", trap.url)
    if method == "GET":
        response = server.get("/sparql", params={"query": query})
    else:
        response = server.post("/sparql", data={"query": query})
    assert response.status_code == 400, response.text
    trap.assert_untouched()


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_never_call_out(server: Service, trap: Listener, parameter: str) -> None:
    response = server.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", parameter: trap.url + "/g"},
    )
    assert response.status_code == 400
    assert "refused" in response.json()["error"]["message"]
    trap.assert_untouched()


UPDATES = [
    "LOAD <{url}/graph.ttl>",
    "LOAD SILENT <{url}/graph.ttl>",
    "LOAD <{url}/graph.ttl> INTO GRAPH <urn:x:g>",
    "load <{url}/graph.ttl>",
    "PREFIX t: <{url}/> LOAD t:graph.ttl",
    "BASE <{url}/> LOAD <graph.ttl>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <{url}/graph.ttl>",
    "INSERT { ?s ?p ?o } WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "DELETE { ?s ?p ?o } WHERE { SERVICE SILENT <{url}/sparql> { ?s ?p ?o } }",
    "INSERT { GRAPH <urn:x:g> { ?s ?p ?o } } USING <{url}/graph.ttl> WHERE { ?s ?p ?o }",
    "INSERT { GRAPH <urn:x:g> { ?s ?p ?o } } USING NAMED <{url}/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", UPDATES)
def test_update_operation_never_calls_out_even_with_the_admin_token(
    server: Service, trap: Listener, template: str
) -> None:
    before = server.count()
    update = template.replace("{url}", trap.url)
    response = server.post("/sparql/update", content=update, headers={**UPDATE, **TOKEN})
    assert response.status_code == 400, response.text
    trap.assert_untouched()
    assert server.count() == before


def test_refusals_name_the_construct(server: Service, trap: Listener) -> None:
    service = server.get(
        "/sparql", params={"query": f"SELECT * {{ SERVICE <{trap.url}/> {{ ?s ?p ?o }} }}"}
    )
    assert "SERVICE" in service.json()["error"]["message"]
    dataset = server.get("/sparql", params={"query": f"SELECT * FROM <{trap.url}/> {{ ?s ?p ?o }}"})
    assert "refused" in dataset.json()["error"]["message"]
    load = server.post("/sparql/update", content=f"LOAD <{trap.url}/>", headers={**UPDATE, **TOKEN})
    assert "LOAD" in load.json()["error"]["message"]
    trap.assert_untouched()


def test_graphql_has_no_field_that_fetches(server: Service, trap: Listener) -> None:
    """Every string argument of the schema, given the trap's URL, never makes a request."""
    schema = server.post(
        "/graphql",
        json={
            "query": "{ __schema { queryType { fields { name args { name type { name kind"
            " ofType { name kind ofType { name kind } } } } } } } }"
        },
    ).json()["data"]["__schema"]["queryType"]["fields"]

    def is_string(kind: dict[str, object] | None) -> bool:
        while kind:
            if kind.get("name") in ("String", "ID"):
                return True
            kind = kind.get("ofType")  # type: ignore[assignment]
        return False

    probed = 0
    for query_field in schema:
        args = [a for a in query_field["args"] if is_string(a["type"])]
        if not args:
            continue
        values = ", ".join(f'{a["name"]}: "{trap.url}/x"' for a in args)
        response = server.post(
            "/graphql", json={"query": f"{{ {query_field['name']}({values}) {{ __typename }} }}"}
        )
        assert response.status_code < 500
        probed += 1
    assert probed > 0
    trap.assert_untouched()
