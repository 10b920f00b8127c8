"""The SPARQL benchmark end to end, with `oxigraph serve` standing in for our server."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bench.sparql._run import QUERIES_DIR, parse_args, parse_size, run

pytestmark = pytest.mark.integration

OXIGRAPH_AS_OURS = [
    "--ours-load",
    "{python} -m bench.sparql._store load-files {store}",
    "--ours-serve",
    "{oxigraph} serve --location {store} --bind 127.0.0.1:{port} --union-default-graph",
    "--ours-query-path",
    "/query",
    "--ours-probe",
    "/query?query=ASK%7B%7D",
]


def test_sizes_are_parsed_and_bad_ones_refused() -> None:
    assert [parse_size(s) for s in ("paper", "10k", "100K", "1234")] == [0, 10_000, 100_000, 1234]
    with pytest.raises(argparse.ArgumentTypeError, match="bad size"):
        parse_size("lots")


def test_a_tiny_run_measures_both_servers_on_the_same_answers(tmp_path: Path) -> None:
    settings = parse_args(
        [
            "--sizes",
            "300",
            "--concurrency",
            "1,2",
            "--base-seconds",
            "1",
            "--cap-seconds",
            "1",
            "--queries",
            str(QUERIES_DIR / "aggregate-48h.rq"),
            "--no-readme",
            "--results-dir",
            str(tmp_path),
            *OXIGRAPH_AS_OURS,
        ]
    )
    rows = run(settings)
    assert [r.what for r in rows] == [
        "300 cases, aggregate-48h, 1 client",
        "300 cases, aggregate-48h, 2 clients",
    ]
    assert all(r.ratio is not None and r.ratio > 0 and r.ratio_of == "p50" for r in rows)
    assert all("oxigraph serve: p50" in r.anchor and r.met is not None for r in rows)
    document = json.loads((tmp_path / "sparql.json").read_text(encoding="utf-8"))
    query = document["raw"]["sizes"]["300"]["queries"]["aggregate-48h"]
    assert query["same_results"] is True and query["rows_ours"] == query["rows_anchor"] > 0
    for run_ in query["runs"]:
        for side in ("ours", "anchor"):
            assert run_[side]["requests"] > 0
            assert run_[side]["non_2xx"] == run_[side]["errors"] == 0


def test_the_floors_replay_the_anchors_answers_and_get_rows_without_a_target(
    tmp_path: Path,
) -> None:
    settings = parse_args(
        [
            "--floor",
            "--sizes",
            "paper",
            "--concurrency",
            "2",
            "--base-seconds",
            "1",
            "--cap-seconds",
            "1",
            "--queries",
            str(QUERIES_DIR / "point-lookup.rq"),
            "--no-readme",
            "--results-dir",
            str(tmp_path),
            *OXIGRAPH_AS_OURS,
        ]
    )
    rows = run(settings)
    assert [r.what.split(": ")[0] for r in rows] == [
        "paper's graph, point-lookup, 2 clients",
        "paper's graph, point-lookup, 2 clients",
        "paper's graph, point-lookup, 2 clients",
    ]
    floors = rows[1:]
    assert "floor" not in rows[0].what and rows[0].met is not None
    assert [r.what.split(": ")[1].split(",")[0] for r in floors] == ["floor", "floor-worker"]
    assert all(r.met is None and r.ratio is not None and r.ratio > 0 for r in floors)
    document = json.loads((tmp_path / "sparql.json").read_text(encoding="utf-8"))
    query = document["raw"]["sizes"]["0"]["queries"]["point-lookup"]
    assert query["floors_same_results"] == {"floor": True, "floor-worker": True}
    (run_,) = query["runs"]
    for side in ("floor", "floor-worker"):
        assert run_[side]["requests"] > 0
        assert run_[side]["non_2xx"] == run_[side]["errors"] == 0
