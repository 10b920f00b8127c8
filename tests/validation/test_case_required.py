"""A document with no OOS provision case in it is refused, never reported as conforming."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_support import Client
from typer.testing import CliRunner

from oos_kg.cli import app
from oos_kg.errors import InputError
from oos_kg.validation import ENGINES, CaseValidator, Engine, parse_untrusted
from oos_kg.validation._parse import parse_case

NOT_A_CASE = {
    "empty": b"",
    "unrelated": b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
}


@pytest.mark.parametrize("body", NOT_A_CASE.values(), ids=NOT_A_CASE.keys())
def test_http_refuses_a_graph_without_a_case(client: Client, body: bytes) -> None:
    for accept in ("application/json", "text/turtle"):
        response = client.post(
            "/validate?framework=eu",
            content=body,
            headers={"Content-Type": "text/turtle", "Accept": accept},
        )
        assert response.status_code == 400, response.text
        assert "OosProvisionCase" in response.json()["error"]["message"]


@pytest.mark.parametrize("engine", ENGINES)
def test_both_engines_refuse_it_alike(validator: CaseValidator, engine: Engine) -> None:
    graph = parse_case(NOT_A_CASE["unrelated"], "turtle")
    quads = parse_untrusted(NOT_A_CASE["unrelated"], "turtle")
    for case in (graph, quads):
        with pytest.raises(InputError, match="no oos:OosProvisionCase"):
            CaseValidator(validator.facts, engine=engine).validate(case, "eu")


def test_cli_exits_2_on_a_file_without_a_case(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_bytes(NOT_A_CASE["unrelated"])
    result = CliRunner().invoke(app, ["validate", str(path), "--framework", "eu"])
    assert result.exit_code == 2, result.output
    assert "OosProvisionCase" in result.output
