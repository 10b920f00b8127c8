"""Follow-up on a fixed clock: an obligation stored as pending turns overdue in the store's
queries as time passes, and fulfilled with the version that records it; ``as_of`` looks back."""

from __future__ import annotations

from datetime import timedelta

from registry_support import OBLIGATION, SUPPLIED, T0, Clock, Tokens, eu_case, revise, submit
from store_support import Client

DUE = SUPPLIED + timedelta(hours=48)


def _status(client: Client, tokens: Tokens, case_id: str, **params: str) -> str:
    rows = client.get("/cases", params=params, headers=tokens.header("admin")).json()["cases"]
    (row,) = [r for r in rows if r["id"] == case_id]
    return str(row["status"])


def _listed(client: Client, tokens: Tokens, status: str, **params: str) -> list[str]:
    rows = client.get(
        "/cases", params={"status": status, **params}, headers=tokens.header("admin")
    ).json()["cases"]
    return [r["id"] for r in rows]


def test_a_pending_obligation_becomes_overdue_when_its_due_time_passes(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    assert _status(client, tokens, case_id) == "pending"
    assert _listed(client, tokens, "pending") == [case_id]
    assert _listed(client, tokens, "open") == [case_id]
    assert _listed(client, tokens, "overdue") == []
    clock.now = DUE + timedelta(minutes=1)
    assert _status(client, tokens, case_id) == "overdue"
    assert _listed(client, tokens, "overdue") == [case_id]
    assert _listed(client, tokens, "pending") == []
    assert _listed(client, tokens, "closed") == []
    # as of a time before the due time it was still pending
    assert _status(client, tokens, case_id, as_of=T0.isoformat()) == "pending"


def test_a_version_that_records_the_report_closes_the_case(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    clock.now = T0 + timedelta(hours=10)
    revise(client, tokens, case_id, "mah", body=eu_case(notified=True))
    clock.now = DUE + timedelta(days=3)
    assert _status(client, tokens, case_id) == "closed"
    assert _listed(client, tokens, "closed") == [case_id]
    assert _listed(client, tokens, "open") == []
    # before the second version the case was pending
    assert _status(client, tokens, case_id, as_of=(T0 + timedelta(hours=5)).isoformat()) == (
        "pending"
    )
    summary = client.get(f"/cases/{case_id}", headers=tokens.header("admin")).json()
    assert {o["status"] for o in summary["obligations"]} == {"fulfilled"}


def test_obligations_due_say_what_by_whom_by_when_and_which_clause(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    before = (DUE + timedelta(hours=1)).isoformat()
    (row,) = client.get(
        "/obligations/due", params={"before": before}, headers=tokens.header("mah")
    ).json()["obligations"]
    assert row["id"] == case_id and row["obligation"] == OBLIGATION
    assert row["bearer"].endswith("#role-mah")
    assert row["clause"].endswith("clause-ema-cat-224381-2019-notification")
    assert row["due"].startswith("2024-02-27T08:00:00")
    assert row["status"] == "pending"
    early = (DUE - timedelta(hours=1)).isoformat()
    assert (
        client.get(
            "/obligations/due", params={"before": early}, headers=tokens.header("mah")
        ).json()["obligations"]
        == []
    )
    clock.now = DUE + timedelta(hours=2)
    (late,) = client.get(
        "/obligations/due", params={"before": before}, headers=tokens.header("mah")
    ).json()["obligations"]
    assert late["status"] == "overdue"


def test_list_filters_by_framework_product_and_mah(client: Client, tokens: Tokens) -> None:
    case_id = submit(client, tokens)
    product = "https://w3id.org/oos-kg/id/product-breyanzi"
    mah = "https://w3id.org/oos-kg/id/org-celgene-corporation"
    admin = tokens.header("admin")

    def ids(**params: str) -> list[str]:
        return [c["id"] for c in client.get("/cases", params=params, headers=admin).json()["cases"]]

    assert ids(framework="eu") == ids(product=product) == ids(mah=mah) == [case_id]
    assert ids(framework="us") == ids(product=product + "x") == ids(mah=mah + "x") == []
    assert client.get("/cases", params={"status": "late"}, headers=admin).status_code == 400


def test_cases_are_listed_oldest_first_and_page_stably(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    sent = []
    for minute in (0, 1, 2):
        clock.now = T0 + timedelta(minutes=minute)
        sent.append(submit(client, tokens, body=eu_case(notified=False)))
    clock.now = T0 + timedelta(minutes=3)  # a revision does not move a case in the list
    revise(client, tokens, sent[0])
    assert _listed(client, tokens, "open") == sent[1:]
    pages = [_listed(client, tokens, "open", limit="1", offset=str(k)) for k in (0, 1, 2)]
    assert pages == [[sent[1]], [sent[2]], []]
    admin = tokens.header("admin")
    everything = client.get("/cases", params={"limit": "2"}, headers=admin).json()["cases"]
    rest = client.get("/cases", params={"offset": "2"}, headers=admin).json()["cases"]
    assert [c["id"] for c in everything + rest] == sent


def test_a_revision_takes_the_old_versions_obligations_off_the_due_list_and_reports(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    case_id = submit(client, tokens, body=eu_case(notified=False))
    before = {"before": (DUE + timedelta(hours=1)).isoformat()}
    admin = tokens.header("admin")

    def due() -> list[tuple[str, str]]:
        rows = client.get("/obligations/due", params=before, headers=admin).json()
        return [(o["id"], o["status"]) for o in rows["obligations"]]

    def unmet() -> tuple[int, int]:
        period = {"from": "2024-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
        rows = client.get("/reports/obligations", params=period, headers=admin).json()["rows"]
        return sum(r["pending"] for r in rows), sum(r["overdue"] for r in rows)

    pending = due()
    assert pending and set(pending) == {(case_id, "pending")}
    assert unmet() == (len(pending), 0)
    clock.now = T0 + timedelta(hours=1)
    revise(client, tokens, case_id, body=eu_case(notified=False))
    assert due() == pending  # the new version's obligations, not both versions'
    clock.now = DUE + timedelta(minutes=1)
    assert set(due()) == {(case_id, "overdue")}
    assert unmet() == (0, len(pending))
    revise(client, tokens, case_id)
    assert due() == []
    assert _listed(client, tokens, "overdue") == []
