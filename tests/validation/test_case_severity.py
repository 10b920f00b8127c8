"""Severity: a Warning or an Info leaves a case conforming by default (exit 0, ``conforms``
true); ``--fail-on`` / ``fail_on=`` change that; the SHACL report graph stays SHACL's."""

from __future__ import annotations

import json

import pytest
from case_support import EXAMPLES, Client
from rdflib import Graph, Literal
from rdflib.namespace import SH
from typer.testing import CliRunner

from oos_kg.cli import app as cli

WARNING = EXAMPLES / "jp-proposed" / "violates-JPP-09-remanufacturing-considered.ttl"
INFO = EXAMPLES / "eu" / "pending-EU-03-report-within-48h.ttl"
INFO_AS_OF = "2024-02-09T18:00:00Z"


def cli_run(path: str, framework: str, *extra: str) -> tuple[int, dict[str, object]]:
    args = ["validate", path, "-f", framework, "--format", "json", *extra]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("fail_on", "warning_fails", "info_fails"),
    [
        (None, False, False),
        ("violation", False, False),
        ("warning", True, False),
        ("info", True, True),
    ],
)
def test_cli_fail_on(fail_on: str | None, warning_fails: bool, info_fails: bool) -> None:
    extra = ["--fail-on", fail_on] if fail_on else []
    code, body = cli_run(str(WARNING), "jp-proposed", *extra)
    assert (code, body["conforms"]) == ((1, False) if warning_fails else (0, True))
    code, body = cli_run(str(INFO), "eu", "--as-of", INFO_AS_OF, *extra)
    assert (code, body["conforms"]) == ((1, False) if info_fails else (0, True))


def test_cli_fail_on_refuses_other_values() -> None:
    result = CliRunner().invoke(cli, ["validate", str(INFO), "-f", "eu", "--fail-on", "error"])
    assert result.exit_code == 2


@pytest.mark.parametrize(("fail_on", "conforms"), [("violation", True), ("warning", False)])
def test_http_fail_on(client: Client, fail_on: str, conforms: bool) -> None:
    response = client.post(
        "/validate",
        params={"framework": "jp-proposed", "fail_on": fail_on},
        content=WARNING.read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforms"] is conforms
    assert [r["severity"] for r in body["results"]] == ["Warning"]


def test_http_fail_on_refuses_other_values(client: Client) -> None:
    response = client.post(
        "/validate",
        params={"framework": "eu", "fail_on": "error"},
        content=INFO.read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    assert 400 <= response.status_code < 500


def test_report_graph_conforms_false_on_an_info_as_shacl_defines(client: Client) -> None:
    response = client.post(
        "/validate",
        params={"framework": "eu", "as_of": INFO_AS_OF},
        content=INFO.read_bytes(),
        headers={"Content-Type": "text/turtle", "Accept": "text/turtle"},
    )
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    assert set(graph.objects(None, SH.conforms)) == {Literal(False)}
    assert set(graph.objects(None, SH.resultSeverity)) == {SH.Info}
