"""The registry on a remote SPARQL server (a real ``oxigraph serve``, and Virtuoso), which holds
the KG and the case graphs together: cases work as on the embedded store, anonymous queries
never see them, a token sees its own, and a load of the graph files leaves them alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_support import HOSPITAL, ROOT, eu_case
from store_support import Client

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.registry import TokenStore, case_iri
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store import KgStore

pytestmark = pytest.mark.integration

GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"  # DISTINCT: seconds on Virtuoso
CASES = "SELECT ?c WHERE { ?c a <https://w3id.org/oos-kg/ontology#OosProvisionCase> }"


@pytest.fixture(scope="module")
def tokens(remote: tuple[Settings, KgStore]) -> dict[str, str]:
    store = TokenStore(remote[0].tokens_file)
    return {
        "institution": store.add("institution", org=HOSPITAL)[0],
        "authority": store.add("authority", jurisdiction="eu")[0],
        "other": store.add("authority", jurisdiction="jp")[0],
    }


@pytest.fixture(scope="module")
def client(remote: tuple[Settings, KgStore]) -> Iterator[Client]:
    app = create_app(remote[0], store=remote[1])
    yield Client(app)
    registry = getattr(app.state, "registry", None)
    if registry is not None:
        registry.backend.close()


@pytest.fixture(scope="module")
def case_id(client: Client, tokens: dict[str, str]) -> str:
    response = client.post(
        "/cases",
        params={"framework": "eu"},
        content=eu_case(),
        headers={"Authorization": f"Bearer {tokens['institution']}", "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _bindings(client: Client, query: str, token: str | None = None, **params: str) -> list[str]:
    headers = {"Accept": "application/sparql-results+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.get("/sparql", params={"query": query, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [next(iter(b.values()))["value"] for b in response.json()["results"]["bindings"]]


def test_a_case_is_stored_revised_and_conflicts_on_the_server(
    client: Client, tokens: dict[str, str], case_id: str
) -> None:
    headers = {"Authorization": f"Bearer {tokens['institution']}", "Content-Type": "text/turtle"}
    revised = client.request(
        "PUT", f"/cases/{case_id}", content=eu_case(), headers={**headers, "If-Match": '"1"'}
    )
    assert revised.status_code == 200
    stale = client.request(
        "PUT", f"/cases/{case_id}", content=eu_case(), headers={**headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 409
    history = client.get(f"/cases/{case_id}/history", headers=headers).json()
    assert [v["version"] for v in history["versions"]] == [1, 2]


def test_anonymous_queries_never_see_case_graphs(client: Client, case_id: str) -> None:
    assert case_iri(case_id) not in _bindings(client, GRAPHS)
    assert _bindings(client, CASES) == []
    for params in (
        {"default-graph-uri": case_iri(case_id)},
        {"named-graph-uri": case_iri(case_id)},
    ):
        response = client.get("/sparql", params={"query": CASES, **params})
        assert response.status_code == 400
    from_clause = client.get(
        "/sparql", params={"query": f"SELECT * FROM <{case_iri(case_id)}> WHERE {{ ?s ?p ?o }}"}
    )
    assert from_clause.status_code == 400
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert case_iri(case_id) not in description.text


@pytest.mark.usefixtures("case_id")
def test_a_token_queries_its_cases_with_the_kg(client: Client, tokens: dict[str, str]) -> None:
    assert _bindings(client, CASES, tokens["authority"]) == [
        "https://example.org/oos-cases/eu-conforms/case"
    ]
    assert _bindings(client, CASES, tokens["other"]) == []
    label = (
        "SELECT ?label WHERE { ?c <https://w3id.org/oos-kg/ontology#caseProduct> ?p . "
        '?p <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = "en") }'
    )
    assert _bindings(client, label, tokens["authority"]) == ["Breyanzi"]


def test_a_load_of_the_graph_files_leaves_the_cases_alone(
    remote: tuple[Settings, KgStore], client: Client, tokens: dict[str, str], case_id: str
) -> None:
    before = client.get(
        f"/cases/{case_id}/history", headers={"Authorization": f"Bearer {tokens['authority']}"}
    ).json()
    load_store(remote[1], graph_sources(ROOT))
    after = client.get(
        f"/cases/{case_id}/history", headers={"Authorization": f"Bearer {tokens['authority']}"}
    ).json()
    assert before == after and len(after["versions"]) >= 1


DURATION = b'\n<urn:x:a> <urn:x:within> "P1D"^^<http://www.w3.org/2001/XMLSchema#duration> .\n'


def test_a_case_virtuoso_cannot_store_is_a_502_and_stores_nothing(
    remote: tuple[Settings, KgStore], client: Client, tokens: dict[str, str], root: Path
) -> None:
    """Virtuoso fails an update holding an ``xsd:duration`` (docs/deploy.md); Oxigraph keeps it.
    A US case, which the module's EU and JP tokens do not see."""
    headers = {"Authorization": f"Bearer {tokens['institution']}"}
    before = client.get("/cases", headers=headers).json()["cases"]
    body = (root / "examples/cases/us/conforms.ttl").read_bytes() + DURATION
    response = client.post(
        "/cases",
        params={"framework": "us"},
        content=body,
        headers={**headers, "Content-Type": "text/turtle"},
    )
    if remote[0].remote_engine == "virtuoso":
        assert response.status_code == 502, response.text
        assert "SQ200" in response.json()["error"]["message"]
        assert client.get("/cases", headers=headers).json()["cases"] == before
    else:
        assert response.status_code == 201, response.text
        stored = client.get(
            f"/cases/{response.json()['id']}", headers={**headers, "Accept": "text/turtle"}
        )
        assert "P1D" in stored.text
