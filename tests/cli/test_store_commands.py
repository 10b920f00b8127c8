"""``oos-kg load``, ``oos-kg query`` and ``oos-kg serve``: exit codes and output."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from store_support import free_port, make_source_tree, wait_until_up
from typer.testing import CliRunner

from oos_kg.cli import app

COUNT = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://w3id.org/oos-kg/ontology#ActiveSubstance> }"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_source_tree(tmp_path_factory.mktemp("sources"))


@pytest.fixture()
def runner(tree: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("OOS_KG_RESOURCE_ROOT", str(tree))
    for name in ("OOS_KG_STORE", "OOS_KG_STORE_PATH", "OOS_KG_REMOTE_QUERY_URL"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.fixture(scope="module")
def loaded(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(
        app, ["load", "--store", str(store)], env={"OOS_KG_RESOURCE_ROOT": str(tree)}
    )
    assert result.exit_code == 0, result.output
    return store


def test_load_reports_each_graph(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "graph/regulations" in result.stdout
    assert (tmp_path / "store" / "current").is_symlink()


def test_load_of_a_broken_file_exits_2_with_its_position(
    runner: CliRunner, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tree, broken)
    (broken / "data" / "regulations.ttl").write_text("<urn:a> <urn:b> .\n", "utf-8")
    monkeypatch.setenv("OOS_KG_RESOURCE_ROOT", str(broken))
    result = runner.invoke(app, ["load", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert "regulations.ttl:1:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("json", '"value":"2"'), ("csv", "n\n2\n"), ("tsv", "?n\n2\n"), ("table", "2")],
)
def test_query_prints_each_format(runner: CliRunner, loaded: Path, fmt: str, expected: str) -> None:
    result = runner.invoke(app, ["query", COUNT, "--store", str(loaded), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert expected in result.stdout.replace("\r\n", "\n")


def test_query_construct_as_turtle(runner: CliRunner, loaded: Path) -> None:
    construct = COUNT.replace("SELECT (COUNT(?s) AS ?n) WHERE", "CONSTRUCT WHERE")
    result = runner.invoke(app, ["query", construct, "--store", str(loaded), "-f", "turtle"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ActiveSubstance") == 2


def test_query_reads_standard_input(runner: CliRunner, loaded: Path) -> None:
    result = runner.invoke(app, ["query", "-", "--store", str(loaded), "-f", "json"], input=COUNT)
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "2"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["SELECT * WHERE {"], "malformed query"),
        (["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], "SERVICE"),
        ([COUNT, "-f", "turtle"], "--format turtle"),
        (["ASK {}", "--remote"], "OOS_KG_REMOTE_QUERY_URL"),
    ],
    ids=["syntax", "service", "format-mismatch", "remote-unset"],
)
def test_bad_queries_exit_2_with_a_message(
    runner: CliRunner, loaded: Path, args: list[str], needle: str
) -> None:
    store = [] if "--remote" in args else ["--store", str(loaded)]
    result = runner.invoke(app, ["query", *args, *store])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_query_on_an_empty_store_says_to_load(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "ASK {}", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "oos-kg load" in result.output


def test_help_texts_explain_the_commands(runner: CliRunner) -> None:
    for command, needle in [("load", "inferred"), ("query", "SERVICE"), ("serve", "changed")]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert needle in result.stdout


@pytest.mark.integration
def test_serve_loads_then_answers_and_skips_the_load_next_time(tree: Path, tmp_path: Path) -> None:
    env = {**os.environ, "OOS_KG_RESOURCE_ROOT": str(tree)}
    oos_kg = str(Path(sys.executable).parent / "oos-kg")
    for expected in ("store loaded", "store up to date"):
        port = free_port()
        process = subprocess.Popen(
            [oos_kg, "serve", "--store", str(tmp_path / "store"), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/health", process)
            response = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": COUNT})
            assert response.json()["results"]["bindings"][0]["n"]["value"] == "2"
            assert httpx.get(f"http://127.0.0.1:{port}/ready").status_code == 200
        finally:
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=20)
        assert expected in err.decode()
