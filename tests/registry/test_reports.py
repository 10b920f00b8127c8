"""``/reports/{kind}``: JSON and CSV over the caller's cases; a researcher sees no cell under 5."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from registry_support import ROOT, SUPPLIED, Clock, Tokens, eu_case, submit
from store_support import Client

from oos_kg.registry import REPORT_KINDS

PERIOD = {"from": "2024-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
PRODUCT = "https://w3id.org/oos-kg/id/product-breyanzi"


def _report(client: Client, tokens: Tokens, kind: str, who: str = "admin") -> dict[str, object]:
    response = client.get(f"/reports/{kind}", params=PERIOD, headers=tokens.header(who))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_supplies_count_products_and_administrations_per_product_and_mah(
    client: Client, tokens: Tokens
) -> None:
    for _ in range(3):
        submit(client, tokens)
    rows = _report(client, tokens, "supplies")["rows"]
    assert rows == [
        {
            "product": PRODUCT,
            "mah": "https://w3id.org/oos-kg/id/org-celgene-corporation",
            "supplied": 3,
            "administered": 3,
            "doses": 3,
        }
    ]


def test_doses_count_each_administration_a_case_records(client: Client, tokens: Tokens) -> None:
    # Table 6: "The number of OOS products and doses can be provided as requested by the
    # authorities"; a case given its batch twice states two administration times
    second = '    oos:administeredAt "2024-02-27T10:00:00Z"^^xsd:dateTime ;'
    lines = eu_case().decode("utf-8").splitlines()
    at = next(k for k, line in enumerate(lines) if "oos:administeredAt" in line)
    submit(client, tokens, body="\n".join([*lines[: at + 1], second, *lines[at + 1 :]]).encode())
    submit(client, tokens)
    (row,) = _report(client, tokens, "supplies")["rows"]  # type: ignore[misc]
    assert (row["supplied"], row["administered"], row["doses"]) == (2, 2, 3)


def test_a_period_without_supplies_is_empty(client: Client, tokens: Tokens) -> None:
    submit(client, tokens)
    response = client.get(
        "/reports/supplies",
        params={"from": "2025-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        headers=tokens.header("admin"),
    )
    assert response.json()["rows"] == []


def test_failed_tests_per_kind_and_product(client: Client, tokens: Tokens) -> None:
    submit(client, tokens)
    rows = _report(client, tokens, "failed-tests")["rows"]
    kinds = {(r["testKind"].rsplit("#", 1)[1], r["product"], r["cases"]) for r in rows}  # type: ignore[index]
    assert kinds == {
        ("test-kind-transduction-efficiency", PRODUCT, 1),
        ("test-kind-viability", PRODUCT, 1),
    }


def test_obligations_met_late_or_not_at_all_per_clause(
    client: Client, tokens: Tokens, clock: Clock
) -> None:
    submit(client, tokens, body=eu_case(notified=False))  # not reported yet
    submit(client, tokens)  # reported in time
    counts = ("obligations", "fulfilled", "overdue", "pending")

    def notification_row() -> dict[str, object]:
        # the two 48-hour reports of each case (EU-03, EU-08) cite the EMA Q&A's notification
        rows = _report(client, tokens, "obligations")["rows"]
        assert isinstance(rows, list)
        (row,) = [r for r in rows if str(r["clause"]).endswith("notification")]
        assert row["framework"] == "eu"
        return dict(row)

    assert tuple(notification_row()[c] for c in counts) == (4, 3, 0, 1)
    clock.now = SUPPLIED + timedelta(days=3)
    late = ROOT / "examples/cases/eu/violates-EU-03-report-within-48h.ttl"
    submit(client, tokens, who="admin", body=late.read_bytes())  # reported after 48 h
    assert tuple(notification_row()[c] for c in counts) == (6, 4, 2, 0)


def test_frameworks_report(client: Client, tokens: Tokens, clock: Clock) -> None:
    submit(client, tokens, body=eu_case(notified=False))
    submit(client, tokens)
    (row,) = _report(client, tokens, "frameworks")["rows"]  # type: ignore[misc]
    assert row == {"framework": "eu", "cases": 2, "conforming": 2, "open": 1, "overdue": 0}
    clock.now = SUPPLIED + timedelta(days=3)
    (row,) = _report(client, tokens, "frameworks")["rows"]  # type: ignore[misc]
    assert row == {"framework": "eu", "cases": 2, "conforming": 2, "open": 1, "overdue": 1}


@pytest.mark.parametrize("kind", sorted(REPORT_KINDS))
def test_every_report_comes_as_csv_too(client: Client, tokens: Tokens, kind: str) -> None:
    submit(client, tokens)
    response = client.get(
        f"/reports/{kind}", params={**PERIOD, "format": "csv"}, headers=tokens.header("admin")
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == _report(client, tokens, kind)["columns"]


def test_reports_cover_only_the_callers_cases(client: Client, tokens: Tokens) -> None:
    submit(client, tokens)
    assert _report(client, tokens, "supplies", "other_institution")["rows"] == []
    assert _report(client, tokens, "supplies", "other_authority")["rows"] == []
    assert len(_report(client, tokens, "supplies", "authority")["rows"]) == 1  # type: ignore[arg-type]


def test_a_researcher_sees_no_count_below_five(client: Client, tokens: Tokens) -> None:
    for _ in range(4):
        submit(client, tokens)
    small = _report(client, tokens, "supplies", "researcher")
    assert small["minimumCellSize"] == 5
    assert small["rows"][0]["supplied"] is None  # type: ignore[index]
    submit(client, tokens)
    assert _report(client, tokens, "supplies", "researcher")["rows"][0]["supplied"] == 5  # type: ignore[index]


def test_an_unknown_report_or_an_empty_period_is_refused(client: Client, tokens: Tokens) -> None:
    admin = tokens.header("admin")
    assert client.get("/reports/nope", params=PERIOD, headers=admin).status_code == 400
    backwards = {"from": PERIOD["to"], "to": PERIOD["from"]}
    assert client.get("/reports/supplies", params=backwards, headers=admin).status_code == 400
    assert client.get("/reports/supplies", headers=admin).status_code == 400
