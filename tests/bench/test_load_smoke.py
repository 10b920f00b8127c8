"""The load test's smoke mode: 10 s of mixed clients on a real server, no 5xx, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.load._run import Settings, build_mix, run

if TYPE_CHECKING:
    from tests.bench.conftest import StandIn

pytestmark = pytest.mark.integration


def _serve_is_built() -> bool:
    cli = Path(sys.executable).parent / "oos-kg"
    done = subprocess.run(
        [str(cli), "serve", "--help"], capture_output=True, text=True, check=False
    )
    return done.returncode == 0


def test_the_mix_has_a_request_for_each_endpoint_it_can_reach(root: Path) -> None:
    labels = [r.label for r in build_mix(root)]
    assert any(label.startswith("sparql:") for label in labels)
    assert any(label.startswith("graphql:") for label in labels)
    cases = sorted((root / "examples" / "cases").glob("*/conforms.ttl"))
    assert len([x for x in labels if x.startswith("validate:")]) == len(cases)


def test_a_server_answering_5xx_fails_the_run(stand_in: StandIn) -> None:
    stand_in.routes["/sparql"] = lambda _path, _body: (200, b'{"results": {"bindings": []}}')
    stand_in.routes["/graphql"] = lambda _path, _body: (503, b'{"error": "down"}')
    result = run(Settings(clients=5, duration_s=0.5, url=stand_in.base_url, readme=False))
    by_endpoint = {e.endpoint: e for e in result.endpoints}
    assert by_endpoint["sparql"].server_errors == 0 and by_endpoint["sparql"].answered > 0
    assert by_endpoint["graphql"].server_errors > 0
    assert not result.ok


def test_an_endpoint_not_served_is_left_out_with_a_note(stand_in: StandIn) -> None:
    stand_in.routes["/sparql"] = lambda _path, _body: (200, b"{}")
    result = run(Settings(clients=3, duration_s=0.3, url=stand_in.base_url, readme=False))
    assert [e.endpoint for e in result.endpoints] == ["sparql"]
    assert any("/graphql not served" in why for why in result.skipped.values())
    assert result.ok


def test_ten_seconds_of_mixed_load_get_no_5xx_and_lose_nothing(tmp_path: Path) -> None:
    if not _serve_is_built():
        pytest.skip("`oos-kg serve` is not on this branch yet")
    result = run(Settings(clients=50, duration_s=10, readme=False, results_dir=tmp_path))
    assert "sparql" in [e.endpoint for e in result.endpoints], result.skipped
    for e in result.endpoints:
        assert e.answered > 0, e
        assert e.server_errors == 0, e
        assert e.unanswered == 0 and e.sent == e.answered, e
        assert set(e.status_counts) <= {"200"}, e
