"""``oos-kg cases`` and ``oos-kg report`` against a real server, by exit code and output."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_service import OOS_KG, Service, start_service, stop_service

from oos_kg.registry import TokenStore

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Service, dict[str, str]]]:
    """A server on the repository's data, an institution's and a researcher's token, and
    (under ``store``) the server's store directory."""
    tmp = tmp_path_factory.mktemp("cli")
    store = TokenStore(tmp / "tokens.json")
    tokens = {
        "institution": store.add("institution", org="https://example.org/hospital-a")[0],
        "researcher": store.add("researcher")[0],
    }
    service = start_service(ROOT, tmp / "store", OOS_KG_TOKENS_PATH=str(store.path))
    tokens["store"] = str(tmp / "store")  # the embedded store's directory, for a reload
    yield service, tokens
    stop_service(service)


def _run(service: Service, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OOS_KG, *args, "--server", service.url, "--token", token],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_submit_a_folder_then_show_list_and_report(
    served: tuple[Service, dict[str, str]], tmp_path: Path
) -> None:
    service, tokens = served
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(ROOT / "examples/cases/eu/conforms.ttl", folder / "a.ttl")
    shutil.copy(ROOT / "examples/cases/eu/violates-EU-03-report-within-48h.ttl", folder / "b.ttl")
    submitted = _run(
        service, tokens["institution"], "cases", "submit", str(folder), "--framework", "eu"
    )
    assert submitted.returncode == 1, submitted.stderr  # one case stored with findings
    lines = submitted.stdout.strip().splitlines()
    assert len(lines) == 2
    ids = {line.split("\t")[0].rsplit("/", 1)[1]: line.split("\t")[1] for line in lines}
    shown = _run(service, tokens["institution"], "cases", "show", ids["b.ttl"])
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["findings"][0]["rule"] == "EU-03-report-within-48h"
    listed = _run(service, tokens["institution"], "cases", "list", "--json")
    assert {c["id"] for c in json.loads(listed.stdout)["cases"]} == set(ids.values())
    report = _run(
        service,
        tokens["institution"],
        "report",
        "supplies",
        "--from",
        "2024-01-01",
        "--to",
        "2025-01-01",
        "--format",
        "csv",
    )
    assert report.returncode == 0
    assert report.stdout.splitlines()[0] == "product,mah,supplied,administered,doses"
    reload = subprocess.run(
        [OOS_KG, "load", "--store", tokens["store"]],
        env=service.env,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert reload.returncode == 0, reload.stderr  # a load of the graph files ...
    again = _run(service, tokens["institution"], "cases", "list", "--json")
    assert {c["id"] for c in json.loads(again.stdout)["cases"]} == set(
        ids.values()
    )  # ... leaves the cases
    hidden = _run(
        service,
        tokens["researcher"],
        "report",
        "supplies",
        "--from",
        "2024-01-01",
        "--to",
        "2025-01-01",
        "--format",
        "json",
    )
    assert all(row["supplied"] is None for row in json.loads(hidden.stdout)["rows"])


def test_refusals_exit_2(served: tuple[Service, dict[str, str]], tmp_path: Path) -> None:
    service, tokens = served
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    assert (
        _run(
            service, tokens["institution"], "cases", "submit", str(bad), "--framework", "eu"
        ).returncode
        == 2
    )
    assert _run(service, tokens["researcher"], "cases", "show", "0000000000000000").returncode == 2
    assert _run(service, "x.y", "cases", "list").returncode == 2
    assert (
        _run(
            service,
            tokens["institution"],
            "report",
            "nope",
            "--from",
            "2024-01-01",
            "--to",
            "2025-01-01",
        ).returncode
        == 2
    )
