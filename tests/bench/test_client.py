"""The load generators: loopback only, percentiles, responses read whole, status counts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from bench._client import (
    Measurement,
    Request,
    check_loopback,
    combine,
    measure,
    percentile,
    run_mix,
    wrk_path,
)

if TYPE_CHECKING:
    from tests.bench.conftest import StandIn


@pytest.mark.parametrize(
    "url", ["http://example.org/sparql", "http://10.0.0.1:80/", "http://0.0.0.0:8000/"]
)
def test_anything_but_loopback_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        check_loopback(url)
    with pytest.raises(ValueError, match="loopback only"):
        run_mix(url, [Request("GET", "/")], concurrency=1, duration_s=0.1, timeout_s=1)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([], 50) == 0.0
    with pytest.raises(ValueError, match="percentile"):
        percentile(values, 0)


def test_combine_pools_counts_and_averages_percentiles() -> None:
    a = Measurement("wrk", 1, 2.0, 100, 1.0, 3.0, 1.5, 4.0, 50.0, 0, 0)
    b = Measurement("wrk", 1, 2.0, 300, 2.0, 5.0, 2.5, 9.0, 150.0, 1, 2)
    both = combine([a, b])
    assert (both.requests, both.p50_ms, both.p99_ms, both.max_ms) == (400, 1.5, 4.0, 9.0)
    assert (both.throughput_rps, both.non_2xx, both.errors) == (100.0, 1, 2)


def test_the_mix_counts_statuses_per_label_and_loses_nothing(stand_in: StandIn) -> None:
    stand_in.routes["/ok"] = lambda _path, body: (200, body * 1000)
    stand_in.routes["/broken"] = lambda _path, _body: (500, b'{"error": "boom"}')
    mix = [
        Request("POST", "/ok", body=b"x", label="ok"),
        Request("POST", "/broken", label="broken"),
    ]
    tallies, elapsed = run_mix(stand_in.base_url, mix, concurrency=4, duration_s=0.5, timeout_s=5)
    assert elapsed >= 0.5
    ok, broken = tallies["ok"], tallies["broken"]
    assert ok.answered > 0 and set(ok.statuses) == {"200"}
    assert broken.answered > 0 and set(broken.statuses) == {"500"}
    assert ok.sent == ok.answered and broken.sent == broken.answered
    assert ok.errors == broken.errors == 0


def test_a_server_that_hangs_up_counts_as_unanswered(stand_in: StandIn) -> None:
    def hang_up(_path: str, _body: bytes) -> tuple[int, bytes]:
        raise ConnectionResetError

    stand_in.routes["/gone"] = hang_up
    tallies, _ = run_mix(
        stand_in.base_url,
        [Request("GET", "/gone", label="gone")],
        concurrency=2,
        duration_s=0.3,
        timeout_s=2,
    )
    gone = tallies["gone"]
    assert gone.sent > gone.answered and gone.errors > 0


@pytest.mark.parametrize("client", ["asyncio", "wrk"])
def test_each_client_sends_the_exact_body_and_headers(stand_in: StandIn, client: str) -> None:
    if client == "wrk" and wrk_path() is None:
        pytest.skip("wrk is not installed (Debian package 'wrk')")
    stand_in.routes["/echo"] = lambda _path, body: (200, json.dumps({"n": len(body)}).encode())
    body = b'SELECT * WHERE { ?s ?p "]]" . ?s ?p "]=]" }\n'
    request = Request("POST", "/echo", {"Content-Type": "application/sparql-query"}, body)
    m = measure(stand_in.base_url, request, concurrency=2, duration_s=1, client=client)
    assert m.client == client and m.requests > 0
    assert m.non_2xx == 0 and m.errors == 0
    assert 0 < m.p50_ms <= m.p99_ms <= m.max_ms
    assert set(stand_in.bodies) == {body}


def test_non_2xx_answers_are_counted(stand_in: StandIn) -> None:
    stand_in.routes["/missing-query"] = lambda _path, _body: (400, b'{"error": "no query"}')
    m = measure(
        stand_in.base_url,
        Request("GET", "/missing-query"),
        concurrency=1,
        duration_s=0.3,
        client="asyncio",
    )
    assert m.requests > 0 and m.non_2xx == m.requests
