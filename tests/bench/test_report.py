"""The README table: one benchmark's rows replaced, the others kept, markers required."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.report import Row, update_readme, write_results

README = """# Benchmarks

<!-- bench-table:begin (written by bench/report.py; edit the benchmarks, not this) -->
| benchmark | what | command | machine | figure | anchor (same run) | ratio | target |
| --- | --- | --- | --- | --- | --- | --- | --- |
| graphql | products | `x` | m | 1 ms | 1 ms | 1.00x p50 |  |
| sparql | old row | `y` | m | 9 ms | 1 ms | 9.00x p50 | p50 <= 1.5x: **missed** |
<!-- bench-table:end -->

Text after the table.
"""


def _row(**changes: object) -> Row:
    values: dict[str, object] = {
        "benchmark": "sparql",
        "what": "10k cases, join | filter",
        "command": "make bench",
        "figure": "p50 2 ms",
        "anchor": "oxigraph serve: p50 1.6 ms",
        "ratio": 1.25,
        "ratio_of": "p50",
        "target": "p50 <= 1.5x",
        "met": True,
        "machine": "2 CPU",
    }
    values.update(changes)
    return Row(**values)  # type: ignore[arg-type]


def test_a_benchmark_replaces_only_its_own_rows(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    update_readme("sparql", [_row()], readme)
    text = readme.read_text(encoding="utf-8")
    assert "old row" not in text
    assert "| graphql | products |" in text
    assert "10k cases, join \\| filter" in text and "1.25x p50" in text and ": met" in text
    assert text.endswith("Text after the table.\n")


def test_a_missed_target_is_shown_in_bold(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    update_readme("sparql", [_row(ratio=2.0, met=False)], readme)
    assert "2.00x p50 | p50 <= 1.5x: **missed** |" in readme.read_text(encoding="utf-8")


def test_a_readme_without_markers_is_refused(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no table here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        update_readme("sparql", [_row()], readme)


def test_results_name_the_machine_and_keep_the_raw_figures(tmp_path: Path) -> None:
    path = write_results(
        "sparql",
        [_row(machine="")],
        {"p50": [1, 2]},
        command="python -m bench.sparql",
        started=datetime.now(UTC),
        readme=None,
        results_dir=tmp_path,
    )
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["machine"]["nproc"] > 0 and document["machine"]["ram_gib"] > 0
    assert "CPU" in document["rows"][0]["machine"]
    assert document["raw"] == {"p50": [1, 2]}


def test_the_project_readme_has_the_table_markers(root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "README.md"
    copy.write_bytes((root / "bench" / "README.md").read_bytes())
    update_readme("no-such-benchmark", [], copy)


def test_a_partial_run_keeps_the_rows_it_did_not_measure_again(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    update_readme("sparql", [_row(what="100k cases, join, 1 client")], readme, partial=True)
    update_readme("sparql", [_row(what="old row (results differ)")], readme, partial=True)
    text = readme.read_text(encoding="utf-8")
    assert "100k cases, join, 1 client" in text
    assert text.count("old row") == 1 and "old row (results differ)" in text
