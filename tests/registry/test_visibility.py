"""Who sees which case: every role against a case it may and may not see, on every endpoint,
and through ``/sparql``. A refusal about a case never differs from "no such case"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from registry_support import SUPPLIED, Tokens, eu_case, submit
from store_support import Client

from oos_kg.registry import case_iri
from oos_kg.registry._vocab import PROFILES

SEES = {
    "admin": True,
    "mah": True,  # the case is of its product
    "other_mah": False,
    "institution": True,  # it sent the case
    "other_institution": False,
    "authority": True,  # the EU authority; the case is under the EU framework
    "other_authority": False,
}


@pytest.fixture()
def case_id(client: Client, tokens: Tokens) -> str:
    """A case hospital A sent about a Celgene product, under the EU framework."""
    return submit(client, tokens)


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_reads_the_cases_it_may_see_and_no_other(
    client: Client, tokens: Tokens, case_id: str, who: str
) -> None:
    headers = tokens.header(who)
    one = client.get(f"/cases/{case_id}", headers=headers)
    history = client.get(f"/cases/{case_id}/history", headers=headers)
    listed = [c["id"] for c in client.get("/cases", headers=headers).json()["cases"]]
    if SEES[who]:
        assert one.status_code == 200 and history.status_code == 200
        assert listed == [case_id]
    else:
        missing = client.get("/cases/0000000000000000", headers=headers)
        assert one.status_code == history.status_code == missing.status_code == 404
        assert one.json()["error"]["code"] == missing.json()["error"]["code"] == "not_found"
        assert one.json()["error"]["message"] == missing.json()["error"]["message"].replace(
            "0000000000000000", case_id
        )
        assert listed == []


@pytest.mark.parametrize("who", ["other_mah", "other_institution"])
def test_another_organisation_cannot_revise_a_case_it_may_not_see(
    client: Client, tokens: Tokens, case_id: str, who: str
) -> None:
    response = client.request(
        "PUT",
        f"/cases/{case_id}",
        content=eu_case(),
        headers={**tokens.header(who), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["authority", "other_authority", "researcher"])
def test_roles_that_only_read_may_not_write(
    client: Client, tokens: Tokens, case_id: str, who: str
) -> None:
    headers = {**tokens.header(who), "Content-Type": "text/turtle"}
    new = client.post("/cases", params={"framework": "eu"}, content=eu_case(), headers=headers)
    put = client.request("PUT", f"/cases/{case_id}", content=eu_case(), headers=headers)
    assert new.status_code == put.status_code == 403


def test_an_mah_may_submit_only_its_own_products_cases(client: Client, tokens: Tokens) -> None:
    headers = {**tokens.header("other_mah"), "Content-Type": "text/turtle"}
    response = client.post("/cases", params={"framework": "eu"}, content=eu_case(), headers=headers)
    assert response.status_code == 403
    assert submit(client, tokens, who="mah")


def test_a_researcher_reads_no_single_case(client: Client, tokens: Tokens, case_id: str) -> None:
    headers = tokens.header("researcher")
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/history", "/cases"):
        assert client.get(path, headers=headers).status_code == 403
    due = client.get("/obligations/due", params={"before": "2030-01-01T00:00:00Z"}, headers=headers)
    assert due.status_code == 403


@pytest.mark.parametrize(
    "header",
    [None, "Bearer nonsense", "Bearer 00000000.abc", "Basic dXNlcjpwYXNz"],
    ids=["none", "unknown", "unknown-id", "basic"],
)
def test_without_a_valid_token_every_endpoint_answers_401(
    client: Client, case_id: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    for path in (f"/cases/{case_id}", "/cases", f"/cases/{case_id}/history", "/reports/supplies"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_at_once(client: Client, tokens: Tokens, case_id: str) -> None:
    caller = tokens.store.authenticate(tokens.institution)
    assert caller is not None
    assert client.get(f"/cases/{case_id}", headers=tokens.header("institution")).status_code == 200
    assert tokens.store.revoke(caller.token_id)
    assert client.get(f"/cases/{case_id}", headers=tokens.header("institution")).status_code == 401


def test_obligations_due_lists_only_the_callers_cases(client: Client, tokens: Tokens) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    before = (SUPPLIED + timedelta(days=7)).isoformat()
    for who, seen in SEES.items():
        rows = client.get(
            "/obligations/due", params={"before": before}, headers=tokens.header(who)
        ).json()["obligations"]
        assert [r["id"] for r in rows] == ([case_id] if seen else []), who


# ---- /sparql ------------------------------------------------------------------------------
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
CASES = "SELECT ?c WHERE { ?c a <https://w3id.org/oos-kg/ontology#OosProvisionCase> }"


def _sparql(client: Client, query: str, headers: dict[str, str], **params: str) -> list[str]:
    response = client.get(
        "/sparql",
        params={"query": query, **params},
        headers={**headers, "Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    return [next(iter(b.values()))["value"] for b in response.json()["results"]["bindings"]]


def test_sparql_without_a_token_sees_no_case_graph(client: Client, case_id: str) -> None:
    assert case_iri(case_id) not in _sparql(client, GRAPHS, {})
    assert _sparql(client, CASES, {}) == []


@pytest.mark.parametrize("who", sorted(SEES))
def test_sparql_with_a_token_sees_exactly_its_cases(
    client: Client, tokens: Tokens, case_id: str, who: str
) -> None:
    graphs = _sparql(client, GRAPHS, tokens.header(who))
    cases = _sparql(client, CASES, tokens.header(who))
    if SEES[who]:
        assert graphs == [case_iri(case_id)]
        assert cases == ["https://example.org/oos-cases/eu-conforms/case"]
    else:
        assert graphs == [] and cases == []


def test_sparql_refuses_a_case_graph_the_token_may_not_read_as_it_refuses_a_missing_one(
    client: Client, tokens: Tokens, case_id: str
) -> None:
    def refused(iri: str) -> str:
        response = client.get(
            "/sparql",
            params={"query": CASES, "default-graph-uri": iri},
            headers=tokens.header("other_authority"),
        )
        assert response.status_code == 400
        return str(response.json()["error"]["message"]).replace(iri, "<>")

    assert refused(case_iri(case_id)) == refused(case_iri("0000000000000000"))
    # the profiles graph names what other organisations' cases hold: never readable either
    assert refused(PROFILES) == refused(case_iri("0000000000000000"))
    from_clause = client.get(
        "/sparql",
        params={"query": f"SELECT * FROM <{case_iri(case_id)}> WHERE {{ ?s ?p ?o }}"},
        headers=tokens.header("authority"),
    )
    assert from_clause.status_code == 400


@pytest.mark.parametrize("token", ["x.y", "security-probe-admin-token-0123456789"])
def test_sparql_with_another_token_sees_what_a_request_without_one_sees(
    client: Client, case_id: str, token: str
) -> None:
    """Another bearer token (the admin token of /sparql/update, a revoked one) is no
    registry token: the answer is that of a request without one."""
    assert _sparql(client, GRAPHS, {"Authorization": f"Bearer {token}"}) == _sparql(
        client, GRAPHS, {}
    )
    assert case_iri(case_id) not in _sparql(client, GRAPHS, {"Authorization": f"Bearer {token}"})
