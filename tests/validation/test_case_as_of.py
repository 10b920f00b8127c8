"""Time-aware verdicts: a deadline obligation is pending before its due time, overdue after
it, fulfilled when met in time; judged at ``as_of`` (library, ``--as-of``, ``?as_of=``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from case_support import EXAMPLES, Client
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from typer.testing import CliRunner

from oos_kg.cli import app as cli
from oos_kg.errors import InputError
from oos_kg.namespaces import OOS, OOSD
from oos_kg.validation import (
    CaseValidator,
    FrameworkInfo,
    KgFacts,
    facts_from_graph,
    framework_note,
    parse_case,
    report_to_json,
    report_to_text,
    rules_of,
)

QDR = str(OOSD["obligation-eu-mah-quality-defect-report"])
PROVISION_REPORT = str(OOSD["obligation-eu-mah-report-each-provision"])
REPORTS = {QDR: "quality-defect-report", PROVISION_REPORT: "supply-report"}
"""The two EU obligations due 48 h after supply (EU-03, EU-08), with the kind of report each."""
CASE = URIRef("https://example.org/oos-cases/eu-conforms/case")
SUPPLIED = datetime.fromisoformat("2025-03-02T10:00:00+09:00")
DUE = SUPPLIED + timedelta(hours=48)


def eu_case(supplied: str, sent: dict[str, str], obligation: str = QDR) -> Graph:
    """The conforming EU example, supplied at ``supplied``, with the reports of
    ``obligation`` sent at ``sent`` (by recipient: ``ema``, ``national-competent-authority``)
    and no others; the other 48-hour reports sent at the time of supply."""
    graph = parse_case((EXAMPLES / "eu" / "conforms.ttl").read_bytes(), "turtle")
    for report in list(graph.objects(CASE, OOS.authorityNotification)):
        recipient = str(graph.value(report, OOS.recipientKind)).rsplit("recipient-", 1)[-1]
        kind = str(graph.value(report, OOS.notificationKind)).rsplit("notification-kind-", 1)[-1]
        if kind != REPORTS[obligation]:
            graph.set((report, OOS.sentAt, Literal(supplied, datatype=XSD.dateTime)))
        elif recipient in sent:
            graph.set((report, OOS.sentAt, Literal(sent[recipient], datatype=XSD.dateTime)))
        else:
            graph.remove((CASE, OOS.authorityNotification, report))
            graph.remove((report, None, None))
    graph.set((CASE, OOS.suppliedAt, Literal(supplied, datatype=XSD.dateTime)))
    graph.set((CASE, OOS.administeredAt, Literal(supplied, datatype=XSD.dateTime)))
    return graph


def status_of(
    validator: CaseValidator, case: Graph, as_of: datetime, obligation: str = QDR
) -> tuple[str, object]:
    report = validator.validate(case, "eu", as_of=as_of)
    (found,) = [o for o in report.obligations if o.obligation == obligation]
    others = [o.status for o in report.obligations if o.obligation != obligation]
    assert set(others) == {"fulfilled"}, report.obligations
    assert report.conforms is (found.status != "overdue")
    return found.status, found.due


@pytest.mark.parametrize("obligation", [QDR, PROVISION_REPORT], ids=["EU-03", "EU-08"])
@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (timedelta(hours=10), "pending"),
        (timedelta(hours=47, minutes=59), "pending"),
        (timedelta(hours=48), "pending"),
        (timedelta(hours=48, minutes=1), "overdue"),
    ],
    ids=["10h", "47:59", "48:00", "48:01"],
)
def test_unsent_report_is_pending_until_due_then_overdue(
    validator: CaseValidator, after: timedelta, expected: str, obligation: str
) -> None:
    case = eu_case(SUPPLIED.isoformat(), {}, obligation)
    as_of_utc = (SUPPLIED + after).astimezone(datetime.fromisoformat("2000-01-01T00:00Z").tzinfo)
    status, due = status_of(validator, case, as_of_utc, obligation)
    assert status == expected
    assert due == DUE


@pytest.mark.parametrize("obligation", [QDR, PROVISION_REPORT], ids=["EU-03", "EU-08"])
@pytest.mark.parametrize(
    ("sent_after", "expected"),
    [
        (timedelta(hours=47, minutes=59), "fulfilled"),
        (timedelta(hours=48), "fulfilled"),
        (timedelta(hours=48, minutes=1), "overdue"),
    ],
    ids=["47:59", "48:00", "48:01"],
)
def test_report_sent_at_the_boundary_in_another_offset(
    validator: CaseValidator, sent_after: timedelta, expected: str, obligation: str
) -> None:
    sent = (SUPPLIED + sent_after).astimezone(
        datetime.fromisoformat("2000-01-01T00:00-05:00").tzinfo
    )
    case = eu_case(
        SUPPLIED.isoformat(),
        {"ema": sent.isoformat(), "national-competent-authority": SUPPLIED.isoformat()},
        obligation,
    )
    status, _ = status_of(validator, case, SUPPLIED + timedelta(days=30), obligation)
    assert status == expected


def test_a_report_only_to_one_recipient_leaves_the_obligation_open(
    validator: CaseValidator,
) -> None:
    case = eu_case(SUPPLIED.isoformat(), {"ema": SUPPLIED.isoformat()})
    assert status_of(validator, case, SUPPLIED + timedelta(hours=1))[0] == "pending"
    assert status_of(validator, case, SUPPLIED + timedelta(days=3))[0] == "overdue"


def test_a_case_cannot_set_the_time_it_is_judged_at(validator: CaseValidator) -> None:
    case = eu_case(SUPPLIED.isoformat(), {})
    case.add(
        (
            OOSD["validation-context"],
            OOS.asOf,
            Literal("2025-03-02T11:00:00+09:00", datatype=XSD.dateTime),
        )
    )
    assert status_of(validator, case, SUPPLIED + timedelta(days=3))[0] == "overdue"


def test_as_of_without_offset_is_refused(validator: CaseValidator) -> None:
    with pytest.raises(InputError, match="UTC offset"):
        validator.validate(eu_case(SUPPLIED.isoformat(), {}), "eu", as_of=datetime(2025, 3, 3))


def test_cli_as_of_shows_pending_report_with_due_time() -> None:
    path = EXAMPLES / "eu" / "pending-EU-03-report-within-48h.ttl"
    result = CliRunner().invoke(
        cli, ["validate", str(path), "-f", "eu", "--as-of", "2024-02-09T18:00:00Z"]
    )
    assert result.exit_code == 0, result.output
    assert "as of: 2024-02-09T18:00:00+00:00" in result.stdout
    assert "pending (due 2024-02-11T08:00:00+00:00)" in result.stdout
    late = CliRunner().invoke(
        cli, ["validate", str(path), "-f", "eu", "--as-of", "2024-02-11T17:00:01+09:00"]
    )
    assert late.exit_code == 1
    assert "overdue (due 2024-02-11T08:00:00+00:00)" in late.stdout


@pytest.mark.parametrize("bad", ["2024-02-09T18:00:00", "2024-02-09", "yesterday"])
def test_cli_bad_as_of_exits_2_naming_it(bad: str) -> None:
    path = EXAMPLES / "eu" / "conforms.ttl"
    result = CliRunner().invoke(cli, ["validate", str(path), "-f", "eu", "--as-of", bad])
    assert result.exit_code == 2
    assert "as-of" in result.stderr


def test_http_as_of_lists_obligations_with_status_and_due(client: Client) -> None:
    path = EXAMPLES / "eu" / "pending-EU-03-report-within-48h.ttl"
    response = client.post(
        "/validate",
        params={"framework": "eu", "as_of": "2024-02-10T03:00:00+09:00"},
        content=path.read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforms"] is True
    assert body["asOf"] == "2024-02-10T03:00:00+09:00"
    (obligation,) = [o for o in body["obligations"] if o["obligation"] == QDR]
    assert obligation["status"] == "pending"
    assert datetime.fromisoformat(obligation["due"]) == datetime.fromisoformat(
        "2024-02-11T08:00:00Z"
    )
    assert obligation["bearer"].endswith("#role-mah")
    assert obligation["clause"].endswith("clause-ema-cat-224381-2019-notification")


@pytest.mark.parametrize("bad", ["2024-02-09T18:00:00", "soon"])
def test_http_bad_as_of_is_400_naming_it(client: Client, bad: str) -> None:
    response = client.post(
        "/validate",
        params={"framework": "eu", "as_of": bad},
        content=(EXAMPLES / "eu" / "conforms.ttl").read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 400
    assert "as-of" in response.json()["error"]["message"]


def test_note_only_when_the_graph_says_a_framework_is_not_in_force() -> None:
    iri = str(OOSD["framework-jp-proposed"])
    assert framework_note(FrameworkInfo(iri, in_force=False), "en")
    assert "施行" in (framework_note(FrameworkInfo(iri, in_force=False), "ja") or "")
    assert framework_note(FrameworkInfo(iri), "en") is None
    assert framework_note(FrameworkInfo(iri, in_force=True), "en") is None


def test_json_summary_names_the_framework(client: Client) -> None:
    response = client.post(
        "/validate?framework=jp-proposed",
        content=(EXAMPLES / "jp-proposed" / "conforms.ttl").read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    body = json.loads(response.text)
    assert response.status_code == 200 and body["conforms"] is True
    assert body["frameworkInfo"]["iri"] == str(OOSD["framework-jp-proposed"])


def test_a_framework_not_in_force_is_said_so_without_failing_the_case(
    validator: CaseValidator,
) -> None:
    """The graph marks a framework with oos:inForce false and the code it answers to
    (oos:caseFramework); the summary says it is not in force, the verdict is the case's."""
    kg = Graph()
    framework = OOSD["framework-jp-proposed"]
    kg.add((framework, RDF.type, OOS.RegulatoryFramework))
    kg.add((framework, OOS.inForce, Literal(False)))
    kg.add((framework, OOS.caseFramework, Literal("jp-proposed")))
    facts = facts_from_graph(kg)
    kg_facts = KgFacts(validator.facts.graph, validator.facts.clauses, frameworks=facts.frameworks)
    case = parse_case((EXAMPLES / "jp-proposed" / "conforms.ttl").read_bytes(), "turtle")
    report = CaseValidator(kg_facts).validate(case, "jp-proposed")
    body = report_to_json(report, "en")
    assert body["conforms"] is True
    assert body["frameworkInfo"]["inForce"] is False
    assert "not in force" in body["frameworkInfo"]["note"]
    assert "施行されていない" in report_to_text(report, "case.ttl", "ja")
    other = CaseValidator(kg_facts).validate(
        parse_case((EXAMPLES / "eu" / "conforms.ttl").read_bytes(), "turtle"), "eu"
    )
    assert (
        report_to_json(other)["frameworkInfo"] is None
        or not report_to_json(other)["frameworkInfo"]["note"]
    )


UNDATED = {
    "us/violates-US-08-treatment-ind-before-supply.ttl": "obligation-us-mah-submit-treatment-ind",
    "pics/violates-PICS-06-supply-reported.ttl": "obligation-pics-ap-report-supply",
    "jp/violates-JP-01-ctn-before-supply.ttl": "obligation-jp-mah-submit-ctn",
    "jp-proposed/violates-JPP-02-failed-item-notified.ttl": "obligation-jp-proposed-mah-notify-ha",
}
"""Reports and submissions for which the paper states no deadline, each broken by an example."""


@pytest.mark.parametrize("example", sorted(UNDATED))
def test_an_obligation_without_a_deadline_is_pending_without_a_due_time(
    validator: CaseValidator, example: str
) -> None:
    """Not yet fulfilled however late the case is judged: no due time exists to pass."""
    framework = example.split("/", 1)[0]
    case = parse_case((EXAMPLES / example).read_bytes(), "turtle")
    iri = str(OOSD[UNDATED[example]])
    for as_of in (datetime.fromisoformat("2020-01-01T00:00Z"), SUPPLIED + timedelta(days=3650)):
        report = validator.validate(case, framework, as_of=as_of)
        (found,) = [o for o in report.obligations if o.obligation == iri]
        assert (found.status, found.due) == ("pending", None)
        rule = next(r for r in report.results if r.rule is not None and iri in r.rule.obligations)
        assert rule.clause is not None and found.clause == rule.clause.iri
        assert {o.status for o in report.obligations if o.obligation != iri} == {"fulfilled"}
    assert f"pending (no due time): {found.label}" in report_to_text(report, example)
    assert "(期限日時なし)" in report_to_text(report, example, lang="ja")


@pytest.mark.parametrize("framework", ["us", "eu", "pics", "jp", "jp-proposed"])
def test_a_conforming_case_lists_every_obligation_its_rules_check_as_fulfilled(
    validator: CaseValidator, framework: str
) -> None:
    report = validator.validate(
        parse_case((EXAMPLES / framework / "conforms.ttl").read_bytes(), "turtle"), framework
    )
    checked = {iri for rule in rules_of(framework).values() for iri in rule.obligations}
    assert len(checked) >= 4
    assert {o.obligation: (o.status, o.due) for o in report.obligations} == dict.fromkeys(
        checked, ("fulfilled", None)
    )
    assert all(o.clause and not o.clause.endswith("-unspecified") for o in report.obligations)
