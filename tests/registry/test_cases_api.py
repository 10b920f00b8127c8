"""``/cases``: submit, revise with If-Match, read a version, history; bad input stores nothing."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from registry_support import OBLIGATION, T0, Clock, Tokens, eu_case, submit
from store_support import Client

from oos_kg.registry import CaseContent, Registry, Verdict, VersionConflict, local_intake


def _statuses(summary: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """The statuses of a summary's obligations that are not fulfilled, by obligation."""
    return {
        o["obligation"]: o["status"] for o in summary["obligations"] if o["status"] != "fulfilled"
    }


def _count(registry: Registry) -> int:
    rows = registry.backend.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"].value)


def test_submit_answers_201_with_location_and_version(client: Client, tokens: Tokens) -> None:
    response = client.post(
        "/cases",
        params={"framework": "eu"},
        content=eu_case(),
        headers={**tokens.header("institution"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/cases/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["version"] == 1 and body["conforms"] is True and body["findings"] == 0


def test_a_case_that_breaks_a_rule_is_stored_with_its_findings(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    """Not reported to the authority: pending an hour after the supply (an Info, the case
    conforms), a violation when received three days later."""
    early = submit(client, tokens, body=eu_case(notified=False))
    summary = client.get(f"/cases/{early}", headers=tokens.header("admin")).json()
    assert summary["conforms"] is True
    assert [(f["rule"], f["severity"]) for f in summary["findings"]] == [
        ("EU-03-report-within-48h-pending", "Info")
    ]
    assert _statuses(summary) == {OBLIGATION: "pending"}
    clock.now = T0 + timedelta(days=3)
    late = submit(client, tokens, body=eu_case(notified=False))
    summary = client.get(f"/cases/{late}", headers=tokens.header("admin")).json()
    assert summary["conforms"] is False
    assert [(f["rule"], f["severity"]) for f in summary["findings"]] == [
        ("EU-03-report-within-48h", "Violation")
    ]
    assert summary["sentBy"] == "https://example.org/hospital-a"
    (obligation,) = [o for o in summary["obligations"] if o["status"] != "fulfilled"]
    assert obligation["status"] == "overdue"
    assert obligation["obligation"] == OBLIGATION
    assert obligation["bearer"].endswith("#role-mah")
    assert obligation["due"].startswith("2024-02-27T08:00:00")


def test_a_case_reads_back_as_turtle_and_json_ld(client: Client, tokens: Tokens) -> None:
    case_id = submit(client, tokens)
    turtle = client.get(
        f"/cases/{case_id}", headers={**tokens.header("admin"), "Accept": "text/turtle"}
    )
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "OosProvisionCase" in turtle.text
    jsonld = client.get(
        f"/cases/{case_id}", headers={**tokens.header("admin"), "Accept": "application/ld+json"}
    )
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert isinstance(jsonld.json(), list) and "OosProvisionCase" in jsonld.text
    assert (
        client.get(
            f"/cases/{case_id}", headers={**tokens.header("admin"), "Accept": "image/png"}
        ).status_code
        == 406
    )


def test_revisions_keep_every_version_and_who_sent_it(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    clock.now = T0 + timedelta(hours=5)
    response = client.request(
        "PUT",
        f"/cases/{case_id}",
        content=eu_case(),
        headers={**tokens.header("mah"), "Content-Type": "text/turtle", "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    history = client.get(f"/cases/{case_id}/history", headers=tokens.header("admin")).json()
    assert [(v["version"], v["sentBy"], v["conforms"]) for v in history["versions"]] == [
        (1, "https://example.org/hospital-a", True),
        (2, "https://w3id.org/oos-kg/id/org-celgene-corporation", True),
    ]
    old = client.get(f"/cases/{case_id}?version=1", headers=tokens.header("admin")).json()
    assert (old["version"], old["versions"]) == (1, 2)
    assert _statuses(old) == {OBLIGATION: "pending"}
    then = client.get(
        f"/cases/{case_id}",
        params={"as_of": (T0 + timedelta(hours=1)).isoformat()},
        headers=tokens.header("admin"),
    ).json()
    assert then["version"] == 1
    before = client.get(
        f"/cases/{case_id}",
        params={"as_of": (T0 - timedelta(hours=1)).isoformat()},
        headers=tokens.header("admin"),
    )
    assert before.status_code == 404


def test_a_stale_if_match_is_a_conflict_and_changes_nothing(
    client: Client, tokens: Tokens, registry: Registry
) -> None:
    case_id = submit(client, tokens)
    headers = {**tokens.header("institution"), "Content-Type": "text/turtle", "If-Match": '"1"'}
    assert (
        client.request("PUT", f"/cases/{case_id}", content=eu_case(), headers=headers).status_code
        == 200
    )
    size = _count(registry)
    stale = client.request("PUT", f"/cases/{case_id}", content=eu_case(), headers=headers)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert _count(registry) == size


def test_two_revisions_at_once_one_succeeds_one_conflicts(
    client: Client, tokens: Tokens, registry: Registry
) -> None:
    """Both requests read version 1 and validate before either writes (a barrier in the
    check holds them): the store's conditional update lets one through."""
    case_id = submit(client, tokens)
    barrier = threading.Barrier(2, timeout=10)
    check = registry.check

    def held(content: CaseContent, framework: str, as_of: object) -> Verdict:
        verdict = check(content, framework, as_of)  # type: ignore[arg-type]
        barrier.wait()
        return verdict

    registry.intake = local_intake(held)  # the intake is what calls the check
    caller = tokens.store.authenticate(tokens.institution)
    assert caller is not None
    outcomes: list[str] = []

    def revise() -> None:
        try:
            outcomes.append(f"v{registry.revise(caller, case_id, eu_case(), 'turtle').version}")
        except VersionConflict:
            outcomes.append("409")

    threads = [threading.Thread(target=revise) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409", "v2"]
    history = client.get(f"/cases/{case_id}/history", headers=tokens.header("admin")).json()
    assert [v["version"] for v in history["versions"]] == [1, 2]


HOSTILE = {
    "bad-syntax": ("text/turtle", b"<a> <b> .", 400),
    "remote-context": (
        "application/ld+json",
        json.dumps({"@context": "https://example.org/ctx.jsonld", "@id": "x"}).encode(),
        400,
    ),
    "import-context": (
        "application/ld+json",
        json.dumps({"@context": {"@import": "http://127.0.0.1:9/x"}, "@id": "x"}).encode(),
        400,
    ),
    "doctype": (
        "application/rdf+xml",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r/>',
        400,
    ),
    "registry-iri": (
        "text/turtle",
        eu_case() + b"\n<https://w3id.org/oos-kg/graph/case/x> <urn:p> 1 .",
        400,
    ),
    "registry-term": (
        "text/turtle",
        eu_case() + b"\n<urn:a> <https://w3id.org/oos-kg/registry#visibleTo> <urn:b> .",
        400,
    ),
    "two-cases": (
        "text/turtle",
        eu_case() + b"\n<urn:other> a <https://w3id.org/oos-kg/ontology#OosProvisionCase> .",
        400,
    ),
    "no-case": ("text/turtle", b"<urn:a> <urn:b> <urn:c> .", 400),
    "huge-literal": (
        "text/turtle",
        eu_case() + b'\n<urn:a> <urn:b> "' + b"x" * 20_000 + b'" .',
        413,
    ),
    "many-triples": (
        "text/turtle",
        b"".join(b"<urn:s%d> <urn:p> <urn:o> .\n" % i for i in range(25_000)),
        413,
    ),
    "media-type": ("image/png", eu_case(), 415),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bad_input_is_refused_and_nothing_is_stored(
    client: Client, tokens: Tokens, registry: Registry, name: str
) -> None:
    media, body, status = HOSTILE[name]
    before = _count(registry)
    response = client.post(
        "/cases",
        params={"framework": "eu"},
        content=body,
        headers={**tokens.header("institution"), "Content-Type": media},
    )
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    assert _count(registry) == before


def test_a_million_triples_are_refused_by_size(client: Client, tokens: Tokens) -> None:
    body = b"<urn:s> <urn:p> <urn:o> .\n" * 1_000_000
    response = client.post(
        "/cases",
        params={"framework": "eu"},
        content=body,
        headers={**tokens.header("institution"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 413


def test_an_unknown_framework_is_refused(client: Client, tokens: Tokens) -> None:
    response = client.post(
        "/cases",
        params={"framework": "mars"},
        content=eu_case(),
        headers={**tokens.header("institution"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 400
    assert "mars" in response.json()["error"]["message"]
