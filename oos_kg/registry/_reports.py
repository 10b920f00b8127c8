"""Aggregate reports over the caller's cases, computed by SPARQL in the store.

A researcher's report hides every count below :data:`MIN_CELL` (and above zero): a small
cell can point at one patient or one hospital.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from oos_kg.errors import InputError
from oos_kg.registry._access import visibility_filter
from oos_kg.registry._content import sparql_datetime
from oos_kg.registry._queries import block, fill
from oos_kg.registry._registry import Registry
from oos_kg.registry._tokens import Caller
from oos_kg.registry._vocab import PROFILES
from oos_kg.registry._write import iri

__all__ = ["MIN_CELL", "REPORT_KINDS", "Report", "make_report"]

MIN_CELL = 5
"""The smallest count a researcher's report shows."""

REPORT_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "supplies": (("product", "mah"), ("supplied", "administered", "doses")),
    "failed-tests": (("testKind", "product"), ("cases",)),
    "obligations": (
        ("framework", "clause"),
        ("obligations", "fulfilled", "overdue", "pending"),
    ),
    "frameworks": (("framework",), ("cases", "conforming", "open", "overdue")),
}
"""Each report kind's key columns and count columns, in order."""


@dataclass(frozen=True, slots=True)
class Report:
    """A report's rows, with what it covers."""

    kind: str
    start: datetime
    end: datetime
    as_of: datetime
    columns: tuple[str, ...]
    rows: list[dict[str, str | int | None]]
    suppressed: bool

    def to_json(self) -> dict[str, object]:
        """Return the JSON body of ``/reports/{kind}``."""
        return {
            "kind": self.kind,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "asOf": self.as_of.isoformat(),
            "minimumCellSize": MIN_CELL if self.suppressed else None,
            "columns": list(self.columns),
            "rows": self.rows,
        }

    def to_csv(self) -> str:
        """Return the rows as CSV with a header line (a hidden count is an empty cell)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def make_report(
    registry: Registry, caller: Caller, kind: str, start: datetime, end: datetime
) -> Report:
    """Run report ``kind`` over the caller's cases supplied in ``[start, end)``.

    Statuses are as of ``end`` or now, whichever is earlier.

    Raises:
        InputError: an unknown kind, or ``end`` not after ``start``.
    """
    if kind not in REPORT_KINDS:
        raise InputError(f"unknown report {kind!r}; use one of: {', '.join(REPORT_KINDS)}")
    if end <= start:
        raise InputError("'to' must come after 'from'")
    keys, counts = REPORT_KINDS[kind]
    as_of = min(end, registry.clock())
    period = {
        "visibility": visibility_filter(caller),
        "from": sparql_datetime(start),
        "to": sparql_datetime(end),
    }
    late = f"?g reg:nextDue ?next . FILTER(?next <= {sparql_datetime(as_of)})"
    rows = registry.backend.select(
        fill(
            f"report-{kind}",
            counted=block("report-profiles", count="n", late="", **period),
            late=block("report-profiles", count="late", late=late, **period),
            profiles=iri(PROFILES),
        )
    )
    hide = caller.role == "researcher"
    out: list[dict[str, str | int | None]] = []
    for row in rows:
        record: dict[str, str | int | None] = {}
        for key in keys:
            term = row.get(key)
            record[key] = term.value if term is not None else None
        for name in counts:
            term = row.get(name)
            value = int(term.value) if term is not None else 0
            record[name] = None if hide and 0 < value < MIN_CELL else value
        out.append(record)
    return Report(kind, start, end, as_of, (*keys, *counts), out, hide)
