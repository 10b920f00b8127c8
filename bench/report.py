"""The results contract every benchmark follows, and the table in ``bench/README.md``.

A benchmark package ``bench/<name>/`` measures, then calls :func:`write_results` with one
:class:`Row` per figure; that writes ``bench/results/<name>.json`` (gitignored) and rewrites
the rows of ``<name>`` in the README's table, leaving the other benchmarks' rows as they are.
Each row names the command that reproduces it, the machine, the figure, its anchor measured in
the same run, and the ratio of the two.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench._machine import machine_info, machine_label

__all__ = [
    "BENCH_DIR",
    "README",
    "RESULTS_DIR",
    "Row",
    "format_ms",
    "render_table",
    "update_readme",
    "write_results",
]

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"

_BEGIN = "<!-- bench-table:begin (written by bench/report.py; edit the benchmarks, not this) -->"
_END = "<!-- bench-table:end -->"
_HEADER = (
    "| benchmark | what | command | machine | figure | anchor (same run) | ratio | target |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
)


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of the README table.

    Attributes:
        benchmark: the package name under ``bench/`` (``sparql``, ``load``, ...).
        what: what was measured, e.g. ``10k cases, aggregate-48h, 16 clients``.
        command: the shell command that reproduces the figure.
        figure: the measured figure(s), e.g. ``p50 1.2 ms, p99 3.4 ms, 810 req/s``.
        anchor: the anchor's figure in the same run, e.g. ``oxigraph serve: p50 1.1 ms``.
        ratio: figure / anchor on the compared metric (``None`` when there is no anchor).
        ratio_of: the metric the ratio compares, e.g. ``p50``.
        target: the target, e.g. ``<= 1.5``; empty when none.
        met: whether the target was met (``None`` when no target or no ratio).
        machine: the machine label; filled by :func:`write_results` when empty.
    """

    benchmark: str
    what: str
    command: str
    figure: str
    anchor: str = ""
    ratio: float | None = None
    ratio_of: str = ""
    target: str = ""
    met: bool | None = None
    machine: str = ""

    def cells(self) -> list[str]:
        """Return the Markdown cells of this row (pipes escaped)."""
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x {self.ratio_of}".strip()
        target = self.target
        if self.met is not None:
            target = f"{target}: {'met' if self.met else '**missed**'}"
        cells = [
            self.benchmark,
            self.what,
            f"`{self.command}`",
            self.machine,
            self.figure,
            self.anchor,
            ratio,
            target,
        ]
        return [cell.replace("|", "\\|") for cell in cells]


def format_ms(value: float) -> str:
    """Format milliseconds with 3 significant digits and a unit.

    >>> format_ms(0.1234), format_ms(12.345), format_ms(1432.0)
    ('0.123 ms', '12.3 ms', '1.43 s')

    Raises:
        ValueError: never for finite numbers (kept for the docstring rule).
    """
    if value >= 1000:
        return f"{value / 1000:.3g} s"
    return f"{value:.3g} ms"


def render_table(rows: Iterable[Row]) -> str:
    """Return the Markdown table (header and rows) for ``rows``."""
    lines = list(_HEADER)
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def _benchmark_of(line: str) -> str:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return cells[0] if cells else ""


def _key(line: str) -> tuple[str, str]:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    what = cells[1] if len(cells) > 1 else ""
    return cells[0], what.split(" (")[0]


def update_readme(
    benchmark: str, rows: Sequence[Row], readme: Path = README, *, partial: bool = False
) -> None:
    """Replace ``benchmark``'s rows in the README table; keep other benchmarks' rows.

    Args:
        benchmark: whose rows to replace.
        rows: the new rows.
        readme: the file.
        partial: replace only the rows measuring the same thing as a new row (same
            ``what`` before any parenthesised note), keeping the benchmark's other rows: for a
            run of part of a benchmark (one size of the SPARQL benchmark, say).

    Raises:
        OSError: README unreadable or unwritable. ValueError: its table markers are missing.
    """
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(_BEGIN) + r"\n(.*?)" + re.escape(_END), re.S)
    match = pattern.search(text)
    if match is None:
        raise ValueError(f"{readme}: table markers {_BEGIN!r} ... {_END!r} not found")
    new = ["| " + " | ".join(row.cells()) + " |" for row in rows]
    replaced = {_key(ln) for ln in new}

    def keep(line: str) -> bool:
        if not line.startswith("|") or line in _HEADER:
            return False
        if _benchmark_of(line) != benchmark:
            return True
        return partial and _key(line) not in replaced

    old = [ln for ln in match.group(1).splitlines() if keep(ln)]
    body = "\n".join([*_HEADER, *sorted(old + new, key=_benchmark_of)])
    readme.write_text(
        text[: match.start()] + f"{_BEGIN}\n{body}\n{_END}" + text[match.end() :],
        encoding="utf-8",
    )


def write_results(
    benchmark: str,
    rows: Sequence[Row],
    raw: object,
    *,
    command: str,
    started: datetime,
    readme: Path | None = README,
    results_dir: Path = RESULTS_DIR,
    partial: bool = False,
) -> Path:
    """Write ``results/<benchmark>.json`` and update the README table; return the JSON path.

    Args:
        benchmark: the benchmark's package name.
        rows: one row per figure.
        raw: every measurement, JSON-serialisable, kept beside the rows.
        command: the command that produced this run.
        started: when the run started (UTC).
        readme: the README to update, or ``None`` to leave it alone (tests, ``--no-readme``).
        results_dir: where the JSON goes.
        partial: keep the benchmark's README rows that this run did not measure again.

    Raises:
        OSError: on write failure. ValueError: README without table markers.
    """
    info = machine_info()
    label = machine_label(info)
    rows = [row if row.machine else _with_machine(row, label) for row in rows]
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{benchmark}.json"
    document = {
        "benchmark": benchmark,
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "rows": [asdict(row) for row in rows],
        "raw": raw,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if readme is not None:
        update_readme(benchmark, rows, readme, partial=partial)
    return path


def _with_machine(row: Row, label: str) -> Row:
    data = asdict(row)
    data["machine"] = label
    return Row(**data)
