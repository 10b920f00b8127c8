"""The evidence of references 11-16 as a forest plot (server-side SVG), a table and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from oos_kg.namespaces import OOS
from oos_kg.pages._store import Labels, labels_of, run_queries, text
from oos_kg.store.base import Bindings, KgStore

__all__ = [
    "CSV_COLUMNS",
    "Arm",
    "Outcome",
    "StudyRow",
    "evidence_csv",
    "evidence_page",
    "evidence_rows",
]

CSV_COLUMNS = (
    "reference",
    "study",
    "country",
    "population",
    "substance",
    "outcome",
    "arm",
    "value",
    "unit",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_value",
    "patients",
    "arm_patients",
    "measurement",
)
"""The columns of ``/evidence.csv``, one row per figure (``tables/evidence.rq``)."""

# Display order of the outcomes the paper's Background discusses first; any other follows.
_FIRST: tuple[str, ...] = ("crs-grade-3-4", "icans-grade-3-4")
_FIRST += ("progression-free-survival-1-year", "overall-survival-1-year")

# Geometry of the plot, in SVG user units (the SVG scales to the page's width).
WIDTH = 760
LABEL_W = 250
PLOT_X0, PLOT_X1 = 262, 590
ROW_H = 40
HEAD_H = 28
AXIS_H = 34


@dataclass(frozen=True, slots=True)
class Arm:
    """One arm's figure in one study and outcome, with its place on the plot."""

    value: Decimal
    low: Decimal | None
    high: Decimal | None
    level: str
    patients: str
    x: float
    x_low: float | None
    x_high: float | None


@dataclass(slots=True)
class StudyRow:
    """One study's figures for one outcome: its OOS and commercial arms."""

    reference: str
    study: str
    label: tuple[str, str]
    country: str
    population: str
    p_value: str = ""
    oos: Arm | None = None
    commercial: Arm | None = None
    y: float = 0.0


@dataclass(slots=True)
class Outcome:
    """One outcome's panel: its label, unit, studies, and the panel's height and ticks."""

    measure: str
    label: tuple[str, str]
    unit: str
    rows: list[StudyRow] = field(default_factory=list)
    height: float = 0.0
    ticks: list[tuple[float, str]] = field(default_factory=list)


def _decimal(row: Bindings, name: str) -> Decimal | None:
    try:
        return Decimal(text(row, name)) if name in row else None
    except InvalidOperation:
        return None


def _scale(value: Decimal, top: Decimal) -> float:
    return PLOT_X0 + float(value / top) * (PLOT_X1 - PLOT_X0)


def _order(measure: str) -> tuple[int, str]:
    local = measure.removeprefix(f"{OOS}measure-")
    return (_FIRST.index(local) if local in _FIRST else len(_FIRST), local)


def _top(rows: list[Bindings], unit: str) -> Decimal:
    """The axis maximum: 100 for percentages, else the largest figure rounded up."""
    if unit == "%":
        return Decimal(100)
    values = [v for r in rows for n in ("value", "ciHigh") if (v := _decimal(r, n)) is not None]
    return max([Decimal(1), *values]).to_integral_value(rounding="ROUND_CEILING")


def _arm(row: Bindings, top: Decimal) -> Arm:
    value = _decimal(row, "value") or Decimal(0)
    low, high = _decimal(row, "ciLow"), _decimal(row, "ciHigh")
    level = text(row, "ciLevel")
    return Arm(
        value=value,
        low=low,
        high=high,
        level=f"{(Decimal(level) * 100).normalize():f}%" if level else "",
        patients=text(row, "patients") or text(row, "armPatients"),
        x=_scale(value, top),
        x_low=_scale(low, top) if low is not None else None,
        x_high=_scale(high, top) if high is not None else None,
    )


def _outcomes(rows: list[Bindings], labels: Labels, lang: str) -> list[Outcome]:
    by_measure: dict[str, list[Bindings]] = {}
    for row in rows:
        by_measure.setdefault(text(row, "measure"), []).append(row)
    outcomes = []
    for measure in sorted(by_measure, key=_order):
        figures = by_measure[measure]
        unit = text(figures[0], "unit")
        top = _top(figures, unit)
        outcome = Outcome(measure, labels.get(measure, lang), unit)
        studies: dict[str, StudyRow] = {}
        for row in figures:
            study = text(row, "study")
            entry = studies.get(study)
            if entry is None:
                entry = studies[study] = StudyRow(
                    reference=text(row, "reference"),
                    study=study,
                    label=labels.get(study, lang),
                    country=text(row, "country"),
                    population=text(row, "population"),
                )
            entry.p_value = entry.p_value or text(row, "pValue")
            if text(row, "armKind") == f"{OOS}arm-oos":
                entry.oos = _arm(row, top)
            else:
                entry.commercial = _arm(row, top)
        outcome.rows = sorted(studies.values(), key=lambda s: int(s.reference or 0))
        for i, entry in enumerate(outcome.rows):
            entry.y = HEAD_H + i * ROW_H + ROW_H / 2
        outcome.height = HEAD_H + len(outcome.rows) * ROW_H + AXIS_H
        step = top / 4
        outcome.ticks = [(_scale(step * k, top), f"{step * k:g}") for k in range(5)]
        outcomes.append(outcome)
    return outcomes


async def evidence_rows(store: KgStore) -> list[Bindings]:
    """Return every figure of the evidence (``tables/evidence.rq``).

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: the store failed.
    """
    (rows,) = await run_queries(store, "tables/evidence.rq")
    return rows


async def evidence_page(store: KgStore, lang: str) -> dict[str, Any]:
    """Return the outcomes to plot, each with one row per study (OOS and commercial arms).

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: the store failed.
    """
    labels = await labels_of(store)
    (rows,) = await run_queries(store, "tables/evidence.rq")
    return {
        "outcomes": _outcomes(rows, labels, lang),
        "geometry": {
            "width": WIDTH,
            "label_w": LABEL_W,
            "x0": PLOT_X0,
            "x1": PLOT_X1,
            "row_h": ROW_H,
            "head_h": HEAD_H,
        },
    }


def evidence_csv(rows: list[Bindings], labels: Labels | None = None) -> str:
    """Return the figures as CSV (:data:`CSV_COLUMNS`, a header line first).

    Raises:
        Nothing.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        measure = text(row, "measure")
        writer.writerow(
            (
                text(row, "reference"),
                text(row, "study"),
                text(row, "country"),
                text(row, "population"),
                text(row, "substance"),
                labels.text(measure, "en") if labels else measure,
                "OOS" if text(row, "armKind") == f"{OOS}arm-oos" else "commercial",
                text(row, "value"),
                text(row, "unit"),
                text(row, "ciLow"),
                text(row, "ciHigh"),
                text(row, "ciLevel"),
                text(row, "pValue"),
                text(row, "patients"),
                text(row, "armPatients"),
                text(row, "measurement"),
            )
        )
    return out.getvalue()
