"""Table 2 side by side, each cell with its structured obligations, and Japan's change of route."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from oos_kg.pages._store import Labels, labels_of, run_queries, text
from oos_kg.store.base import Bindings, KgStore

__all__ = ["COLUMNS", "Statement", "comparison_page", "format_duration"]

COLUMNS = (("US", "unitedStates"), ("EU", "europeanUnion"), ("JP", "japan"))
"""Table 2's columns: jurisdiction code and the variable of ``table-2.rq`` holding its text."""

_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?)?$")
_HOURS_UP_TO = 72
_UNITS = {"en": {"d": "{} days", "h": "{} h"}, "ja": {"d": "{}日", "h": "{}時間"}}


def format_duration(value: str, lang: str) -> str:
    """Return an ``xsd:duration`` of days and hours for people, in hours up to 72 hours (a
    store may give ``PT48H`` back as ``P2D``; both read ``48 h``) and in days beyond; any other
    form as written.

    >>> format_duration("P2D", "en"), format_duration("PT48H", "ja"), format_duration("P15D", "en")
    ('48 h', '48時間', '15 days')

    Raises:
        Nothing.
    """
    match = _DURATION.match(value)
    if not match or not (match["d"] or match["h"]):
        return value
    units = _UNITS.get(lang, _UNITS["en"])
    hours = int(match["d"] or 0) * 24 + int(match["h"] or 0)
    if hours <= _HOURS_UP_TO:
        return units["h"].format(hours)
    days, rest = divmod(hours, 24)
    return " ".join([units["d"].format(days), *([units["h"].format(rest)] if rest else [])])


@dataclass(slots=True)
class Statement:
    """One obligation or eligibility criterion, with the labels in the page's language."""

    iri: str
    kind: str
    code: str
    action: str = ""
    roles: list[tuple[str, str]] = field(default_factory=list)
    deadline: str = ""
    trigger: tuple[str, str] | None = None
    before: tuple[str, str] | None = None
    reported_to: list[tuple[str, str]] = field(default_factory=list)
    reviewed_by: list[tuple[str, str]] = field(default_factory=list)
    role_iris: set[str] = field(default_factory=set)
    clause: str = ""
    clause_label: tuple[str, str] = ("", "")
    clause_number: str = ""
    instrument: tuple[str, str] = ("", "")
    clause_text: str = ""


def _add(items: list[tuple[str, str]], item: tuple[str, str]) -> None:
    if item not in items:
        items.append(item)


def _statements(rows: list[Bindings], labels: Labels, lang: str) -> dict[str, Statement]:
    found: dict[str, Statement] = {}
    for row in rows:
        iri = text(row, "statement")
        kind = "criterion" if text(row, "kind").endswith("EligibilityCriterion") else "obligation"
        s = found.get(iri)
        if s is None:
            s = found[iri] = Statement(iri, kind, text(row, "code"))
            s.action = text(row, "action") or labels.text(iri, "en")
            s.deadline = format_duration(text(row, "deadline"), lang)
            s.clause = text(row, "clause")
            s.clause_number = text(row, "number")
            s.clause_text = text(row, "clauseText")
            if s.clause:
                s.clause_label = labels.get(s.clause, lang)
            if "instrument" in row:
                s.instrument = labels.get(text(row, "instrument"), lang)
            if "trigger" in row:
                s.trigger = labels.get(text(row, "trigger"), lang)
            if "before" in row:
                s.before = labels.get(text(row, "before"), lang)
        if "role" in row:
            s.role_iris.add(text(row, "role"))
            _add(s.roles, labels.get(text(row, "role"), lang))
        if "reportedTo" in row:
            _add(s.reported_to, labels.get(text(row, "reportedTo"), lang))
        if "reviewedBy" in row:
            _add(s.reviewed_by, labels.get(text(row, "reviewedBy"), lang))
    for s in found.values():
        s.roles.sort()
        s.reported_to.sort()
    return found


def _diff(statements: dict[str, Statement], labels: Labels, lang: str) -> list[dict[str, Any]]:
    """Japan's current route (``JP``) against the proposed framework (``JP_PROPOSED``), by
    the role that bears each obligation (what GraphQL's ``frameworkDiff`` answers)."""
    roles: dict[str, dict[str, list[Statement]]] = {}
    for s in statements.values():
        if s.kind != "obligation" or s.code not in ("JP", "JP_PROPOSED"):
            continue
        for role in s.role_iris:
            roles.setdefault(role, {"JP": [], "JP_PROPOSED": []})[s.code].append(s)
    out: list[dict[str, Any]] = []
    for role, sides in roles.items():
        for side in sides.values():
            side.sort(key=lambda s: s.action.casefold())
        out.append({"role": labels.get(role, lang), "iri": role, **sides})
    out.sort(key=lambda r: r["role"][0].casefold())
    return out


async def comparison_page(store: KgStore, lang: str) -> dict[str, Any]:
    """Return Table 2 (``tables/table-2.rq``) with the statements under each cell, and the
    role-by-role change from Japan's current route to the proposed framework.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: the store failed.
    """
    labels = await labels_of(store)
    table, cells, obligations = await run_queries(
        store, "tables/table-2.rq", "cells.rq", "obligations.rq"
    )
    statements = _statements(obligations, labels, lang)
    by_cell: dict[tuple[str, str], list[Statement]] = {}
    aspect_of_label: dict[str, str] = {}
    for row in cells:
        aspect = text(row, "aspect")
        aspect_of_label[labels.text(aspect, "en")] = aspect
        statement = statements.get(text(row, "statement"))
        if statement is not None:
            by_cell.setdefault((aspect, text(row, "code")), []).append(statement)
    for listed in by_cell.values():
        listed.sort(key=lambda s: (s.kind != "criterion", s.action.casefold()))
    rows = []
    for row in table:
        aspect = aspect_of_label.get(text(row, "aspect"), "")
        rows.append(
            {
                "aspect": labels.get(aspect, lang) if aspect else (text(row, "aspect"), "en"),
                "cells": [
                    {
                        "code": code,
                        "text": text(row, var),
                        "statements": by_cell.get((aspect, code), []),
                    }
                    for code, var in COLUMNS
                ],
            }
        )
    return {
        "rows": rows,
        "diff": _diff(statements, labels, lang),
        "jurisdictions": [
            labels.get(f"https://w3id.org/oos-kg/id/jurisdiction-{code.lower()}", lang)
            for code, _ in COLUMNS
        ],
    }
