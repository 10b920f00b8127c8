"""The time a case is judged at (``as_of``) and the status of each obligation it carries.

A deadline obligation is checked by two shapes that name it with ``oos:checksObligation``:
an "overdue" shape (``sh:Violation``) that fires when the due time has passed as of
``?asOf`` and the obligation was not met in time, and a "pending" shape (``sh:Info``) that
fires when it is not met and not yet due. Both give the due time as ``?value`` (the pending
one gives the case when no due time can be computed: it is then pending, due unknown). An
obligation for which the source states no deadline is checked by one shape: while it fires
the obligation is pending (not yet fulfilled) with no due time, never overdue. Before
validation the case data graph gets one triple, ``oosd:validation-context oos:asOf
"<as_of>"^^xsd:dateTime``, which the shapes read; a case cannot state it itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal as TypingLiteral

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from oos_kg.errors import InputError
from oos_kg.namespaces import OOS, OOSD

__all__ = [
    "AS_OF",
    "VALIDATION_CONTEXT",
    "Fired",
    "ObligationStatus",
    "Status",
    "as_of_triple",
    "parse_as_of",
    "resolve_as_of",
    "statuses",
]

VALIDATION_CONTEXT = URIRef(OOSD["validation-context"])
"""The node whose ``oos:asOf`` the deadline shapes read."""

AS_OF = URIRef(OOS.asOf)

Status = TypingLiteral["pending", "fulfilled", "overdue"]


@dataclass(frozen=True, slots=True)
class ObligationStatus:
    """Where one obligation of a case stands at the time it is judged.

    Attributes:
        obligation: the obligation IRI (``oosd:obligation-...``).
        label: its English label from the graph (the IRI when the graph has none).
        clause: the IRI of the clause its checking rule cites under the case's framework,
            else the one stating it (``oos:statedBy``), when known.
        bearer: the IRI of the role bearing it (``oos:bearer``; empty when unknown).
        status: ``pending`` (not met and not yet due, or not met and without a deadline),
            ``fulfilled`` (met, or no shape found it unmet) or ``overdue`` (past its due
            time and not met in time).
        due: the due time the shapes computed, for a pending or overdue obligation with a
            deadline; None for one without.
    """

    obligation: str
    label: str
    clause: str | None
    bearer: str
    status: Status
    due: datetime | None


def parse_as_of(text: str) -> datetime:
    """Parse an ``--as-of`` / ``as_of`` value: an ISO 8601 date-time with a UTC offset.

    >>> parse_as_of("2024-02-09T18:00:00+09:00").isoformat()
    '2024-02-09T18:00:00+09:00'

    Raises:
        InputError: for text that is not a date-time, or one without an offset (a local
            time would be judged in whatever zone the server runs in).
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"as-of {text[:60]!r} is not an ISO 8601 date-time (e.g. 2025-03-02T10:00:00+09:00)"
        ) from None
    return resolve_as_of(value)


def resolve_as_of(as_of: datetime | None) -> datetime:
    """Return ``as_of``, or now (UTC, whole seconds) when it is None.

    Raises:
        InputError: for a date-time without a UTC offset.
    """
    if as_of is None:
        return datetime.now(UTC).replace(microsecond=0)
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise InputError(f"as-of {as_of.isoformat()} has no UTC offset; add one (Z, +09:00, ...)")
    return as_of


def as_of_triple(as_of: datetime) -> tuple[URIRef, URIRef, Literal]:
    """Return the triple that tells the shapes the time a case is judged at.

    Raises:
        Nothing.
    """
    return VALIDATION_CONTEXT, AS_OF, Literal(as_of.isoformat(), datatype=XSD.dateTime)


def _due(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        due = datetime.fromisoformat(value)
    except ValueError:
        return None
    return due if due.tzinfo is not None else None


@dataclass(frozen=True, slots=True)
class Fired:
    """What the status of an obligation needs of one result: obligation, severity, value."""

    obligation: str
    severity: str
    value: str | None


def statuses(
    checked: Iterable[str],
    fired: Iterable[Fired],
    describe: dict[str, tuple[str, str | None, str]],
    timed: Iterable[str] = (),
) -> tuple[ObligationStatus, ...]:
    """Return the status of each obligation in ``checked``, sorted by IRI.

    Args:
        checked: the obligations some shape of the framework checks.
        fired: the results of those shapes.
        describe: label, clause and bearer by obligation IRI (what the graph says).
        timed: the obligations with a deadline (checked by a pending twin); any other one
            whose shape fires is pending without a due time.

    Raises:
        Nothing.
    """
    with_deadline = set(timed)
    overdue: dict[str, str | None] = {}
    pending: dict[str, str | None] = {}
    for result in fired:
        if result.obligation not in with_deadline:
            pending.setdefault(result.obligation, None)
            continue
        target = pending if result.severity == "Info" else overdue
        target.setdefault(result.obligation, result.value)
    out = []
    for iri in sorted(set(checked)):
        label, clause, bearer = describe.get(iri, (iri, None, ""))
        status: Status
        if iri in overdue:
            status, due = "overdue", _due(overdue[iri])
        elif iri in pending:
            status, due = "pending", _due(pending[iri])
        else:
            status, due = "fulfilled", None
        out.append(ObligationStatus(iri, label, clause, bearer, status, due))
    return tuple(out)
