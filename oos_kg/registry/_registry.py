"""The case registry: versions in, versions, history, follow-up and reports out.

Every method takes the :class:`~oos_kg.registry._tokens.Caller` first and decides what the
caller may see before it writes any query; each query carries the caller's visibility
pattern, so no case of another organisation is ever read.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from oos_kg.errors import InputError
from oos_kg.namespaces import OOS
from oos_kg.registry._access import (
    CaseNotFound,
    Forbidden,
    can_read_cases,
    can_write_cases,
    visibility_filter,
    visibility_pattern,
)
from oos_kg.registry._backend import CaseBackend
from oos_kg.registry._content import CaseContent, sparql_datetime
from oos_kg.registry._intake import Intake, PooledIntake, local_intake
from oos_kg.registry._profile import Profile, profile_of
from oos_kg.registry._queries import fill
from oos_kg.registry._tokens import Caller
from oos_kg.registry._verdict import Check, Verdict
from oos_kg.registry._vocab import PROFILES, REG, case_id_of, case_iri, version_iri
from oos_kg.registry._write import Sender, first_version, iri, literal, next_version
from oos_kg.store.base import Bindings, KgStore
from oos_kg.validation import get_framework

__all__ = ["CaseStatus", "Registry", "StoredVersion", "VersionConflict", "Written"]

CaseStatus = Literal["overdue", "pending", "open", "closed"]


_STATUS: dict[str | None, str] = {
    None: "",
    "overdue": "?g reg:lateFrom ?late FILTER(?late <= $asof)",
    "pending": "?g reg:lastDue ?last FILTER(?last > $asof)",
    "open": "?g reg:open true .",
    "closed": "?g reg:open false .",
}
"""Which cases are in each status now, read from their records' summaries."""

_HAVING: dict[str | None, str] = {
    None: "",
    "overdue": "HAVING(COUNT(DISTINCT ?over) > 0)",
    "pending": "HAVING(COUNT(DISTINCT ?pend) > 0)",
    "open": "HAVING(COUNT(DISTINCT ?over) + COUNT(DISTINCT ?pend) > 0)",
    "closed": "HAVING(COUNT(DISTINCT ?over) + COUNT(DISTINCT ?pend) = 0)",
}
"""The same, computed from each case's version current at a past time."""


class VersionConflict(InputError):
    """The case moved on since the version the writer read (or named in If-Match)."""

    code = "conflict"
    status = 409


@dataclass(frozen=True, slots=True)
class Written:
    """A version just stored."""

    case_id: str
    version: int
    at: datetime
    conforms: bool
    findings: int


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One stored version of a case, with its findings and obligation statuses."""

    case_id: str
    framework: str
    version: int
    versions: int
    at: datetime
    sent_by: str | None
    conforms: bool
    ntriples: str
    findings: list[dict[str, str | None]] = field(default_factory=list)
    obligations: list[dict[str, str | None]] = field(default_factory=list)


def _text(row: Bindings, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def _int(row: Bindings, name: str) -> int:
    term = row.get(name)
    return int(term.value) if term is not None else 0


def _when(row: Bindings, name: str) -> datetime:
    text = row[name].value.replace("Z", "+00:00")
    return datetime.fromisoformat(text).astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


class Registry:
    """Cases in their own named graphs of ``backend``, checked on entry by ``check``.

    Args:
        backend: where the case graphs live.
        kg: the KG store (products' holders, frameworks' jurisdictions).
        check: validates a version (:func:`~oos_kg.registry._verdict.validation_check`).
        clock: the time now (tests pass a fixed one).
        intake: parses and checks a submitted body; ``check`` in the calling thread when
            None (:class:`~oos_kg.registry._intake.PooledIntake` runs it in processes).
    """

    def __init__(
        self,
        backend: CaseBackend,
        kg: KgStore,
        check: Check,
        *,
        clock: Callable[[], datetime] = _now,
        intake: Intake | None = None,
    ) -> None:
        self.backend = backend
        self._kg = kg
        self.check = check
        self.clock = clock
        self.intake = intake or local_intake(check)
        self._holders: dict[str, tuple[str, ...]] = {}
        self._places: dict[str, str | None] | None = None
        self._lock = threading.Lock()
        self._profiles: set[str] = set()
        """Profiles this registry wrote: never written again (they never change)."""

    # ---- What the KG says --------------------------------------------------------------
    def _holders_of(self, products: tuple[str, ...]) -> tuple[str, ...]:
        found: set[str] = set()
        for product in products:
            if product not in self._holders:
                rows = self._kg.select(
                    f"SELECT ?m WHERE {{ {iri(product)} <{OOS.marketingAuthorisationHolder}> ?m }}"
                )
                self._holders[product] = tuple(sorted(r["m"].value for r in rows))
            found.update(self._holders[product])
        return tuple(sorted(found))

    def _jurisdiction(self, framework: str) -> str | None:
        if self._places is None:
            rows = self._kg.select(
                f"SELECT ?code ?j WHERE {{ ?f a <{OOS.RegulatoryFramework}> ; "
                f"<{OOS.jurisdictionCode}> ?code ; <{OOS.jurisdiction}> ?j }}"
            )
            self._places = {r["code"].value.lower().replace("_", "-"): r["j"].value for r in rows}
        return self._places.get(framework)

    # ---- Writing -----------------------------------------------------------------------
    def _prepare(
        self, caller: Caller, body: bytes, input_format: str, framework: str
    ) -> tuple[CaseContent, Verdict, tuple[str, ...], Sender, datetime, Profile]:
        at = self.clock()
        content, verdict = self.intake(body, input_format, framework, at)
        holders = self._holders_of(content.products)
        if caller.role == "mah" and caller.org not in holders:
            raise Forbidden("an MAH token may submit cases of its own products only")
        profile = profile_of(framework, content, verdict, holders)
        return content, verdict, holders, Sender(caller.org, caller.token_id), at, profile

    def close(self) -> None:
        """Release the store and end the intake's worker processes, if any."""
        self.backend.close()
        if isinstance(self.intake, PooledIntake):
            self.intake.close()

    def submit(self, caller: Caller, body: bytes, input_format: str, framework: str) -> Written:
        """Validate and store a new case; return its id and version 1.

        A version that breaks a rule is stored with its findings; bad input stores nothing.

        Raises:
            Forbidden: the role may not submit (or an MAH submits another's product).
            InputError, RdfSyntaxError, PayloadTooLarge, UnsupportedMediaType: bad input.
            StoreError: the store failed (nothing acknowledged).
        """
        can_write_cases(caller)
        code = get_framework(framework).code
        content, verdict, holders, sender, at, profile = self._prepare(
            caller, body, input_format, code
        )
        case_id = secrets.token_hex(8)
        self.backend.insert(
            first_version(
                case_id,
                code,
                self._jurisdiction(code),
                content,
                verdict,
                sender,
                at,
                secrets.token_hex(8),
                holders,
                profile,
                new_profile=profile.iri not in self._profiles,
            )
        )
        self._profiles.add(profile.iri)
        return Written(case_id, 1, at, verdict.conforms, len(verdict.findings))

    def revise(
        self,
        caller: Caller,
        case_id: str,
        body: bytes,
        input_format: str,
        *,
        expected: int | None = None,
    ) -> Written:
        """Store a new version of a case the caller may see and write.

        Args:
            expected: the version the caller revises (``If-Match``); the current one if None.

        Raises:
            Forbidden, CaseNotFound (also for another organisation's case),
            VersionConflict: the case is no longer at ``expected`` (or moved meanwhile),
            and the errors of :meth:`submit`.
        """
        can_write_cases(caller)
        current, framework = self._current(caller, case_id)
        if expected is not None and expected != current:
            raise VersionConflict(
                f"case {case_id} is at version {current}, not {expected}; fetch it and retry"
            )
        content, verdict, holders, sender, at, profile = self._prepare(
            caller, body, input_format, framework
        )
        nonce = secrets.token_hex(8)
        self.backend.update(
            next_version(
                case_id,
                current,
                content,
                verdict,
                sender,
                at,
                nonce,
                holders,
                profile,
                new_profile=profile.iri not in self._profiles,
            )
        )
        rows = self.backend.select(
            f"PREFIX reg: <{REG}> SELECT ?nonce WHERE {{ GRAPH {iri(case_iri(case_id))} "
            f"{{ {iri(version_iri(case_id, current + 1))} reg:nonce ?nonce }} }}"
        )
        if not rows or rows[0]["nonce"].value != nonce:
            raise VersionConflict(
                f"case {case_id} was revised by another request at the same time; "
                "fetch it and retry"
            )
        self._profiles.add(profile.iri)
        return Written(case_id, current + 1, at, verdict.conforms, len(verdict.findings))

    def _current(self, caller: Caller, case_id: str) -> tuple[int, str]:
        """Return the current version number and framework of a case the caller may see.

        Raises:
            CaseNotFound: no such case, or not the caller's.
        """
        checked = case_id_of(case_id)
        if checked is None:
            raise CaseNotFound(f"no case {case_id!r} that this token may see")
        graph = iri(case_iri(checked))
        rows = self.backend.select(
            f"PREFIX reg: <{REG}> SELECT ?n ?f WHERE {{ GRAPH {graph} {{ "
            f"{graph} reg:versionCount ?n ; reg:framework ?f . "
            f"{visibility_pattern(caller, graph)} }} }}"
        )
        if not rows:
            raise CaseNotFound(f"no case {case_id!r} that this token may see")
        return int(rows[0]["n"].value), rows[0]["f"].value

    def visible_graphs(self, caller: Caller) -> list[str]:
        """Return the case graphs the caller may query through ``/sparql`` (none for a
        researcher, who reads aggregates only).

        Raises:
            StoreError: the store failed.
        """
        if caller.role == "researcher":
            return []
        rows = self.backend.select(
            f"PREFIX reg: <{REG}> SELECT ?g WHERE {{ GRAPH ?g {{ ?g reg:versionCount ?n . "
            f"{visibility_pattern(caller)} }} }}"
        )
        return [row["g"].value for row in rows]

    # ---- Reading one case ---------------------------------------------------------------
    def version(
        self,
        caller: Caller,
        case_id: str,
        *,
        number: int | None = None,
        as_of: datetime | None = None,
    ) -> StoredVersion:
        """Return the current version, version ``number``, or the version current at ``as_of``.

        Raises:
            Forbidden: a researcher. CaseNotFound: no such case or version the caller may see.
        """
        can_read_cases(caller)
        checked = case_id_of(case_id)
        if checked is None:
            raise CaseNotFound(f"no case {case_id!r} that this token may see")
        graph = iri(case_iri(checked))
        if number is not None:
            pick = f"?v reg:versionOf {graph} ; reg:versionNumber {int(number)} ."
        elif as_of is not None:
            pick = (
                f"?v reg:versionOf {graph} ; prov:generatedAtTime ?t . "
                f"FILTER(?t <= {sparql_datetime(as_of)})"
            )
        else:
            pick = f"{graph} reg:currentVersion ?v ."
        rows = self.backend.select(
            fill(
                "version",
                graph=graph,
                visibility=visibility_pattern(caller, graph),
                pick=pick,
            )
        )
        if not rows:
            raise CaseNotFound(f"no such version of case {case_id!r} that this token may see")
        row = rows[0]
        found = StoredVersion(
            case_id=checked,
            framework=row["framework"].value,
            version=_int(row, "number"),
            versions=_int(row, "count"),
            at=_when(row, "at"),
            sent_by=_text(row, "by"),
            conforms=row["conforms"].value == "true",
            ntriples=row["content"].value,
        )
        self._details(found, graph, as_of or self.clock())
        return found

    def _details(self, found: StoredVersion, graph: str, as_of: datetime) -> None:
        rows = self.backend.select(
            fill(
                "version-details",
                graph=graph,
                version=iri(version_iri(found.case_id, found.version)),
                asof=sparql_datetime(as_of),
            )
        )
        for row in rows:
            if _text(row, "kind") == "finding":
                found.findings.append(
                    {
                        k: _text(row, k)
                        for k in ("rule", "severity", "clause", "focus", "path", "value")
                    }
                )
            else:
                found.obligations.append(
                    {
                        k: _text(row, k)
                        for k in ("obligation", "label", "clause", "bearer", "due", "status")
                    }
                )
        found.findings.sort(key=lambda f: (f["focus"] or "", f["rule"] or ""))
        found.obligations.sort(key=lambda o: (o["due"] or "", o["obligation"] or ""))

    def history(self, caller: Caller, case_id: str) -> list[dict[str, object]]:
        """Return every version of a case: number, time, sender, conformance, findings.

        Raises:
            Forbidden: a researcher. CaseNotFound: no such case the caller may see.
        """
        can_read_cases(caller)
        checked = case_id_of(case_id)
        if checked is None:
            raise CaseNotFound(f"no case {case_id!r} that this token may see")
        graph = iri(case_iri(checked))
        rows = self.backend.select(
            fill("history", graph=graph, visibility=visibility_pattern(caller, graph))
        )
        if not rows:
            raise CaseNotFound(f"no case {case_id!r} that this token may see")
        return [
            {
                "version": _int(row, "number"),
                "receivedAt": _when(row, "at").isoformat(),
                "sentBy": _text(row, "by"),
                "conforms": _text(row, "conforms") == "true",
                "findings": _int(row, "findings"),
            }
            for row in rows
        ]

    # ---- Follow-up ---------------------------------------------------------------------
    def _current_pattern(self, as_of: datetime | None) -> str:
        if as_of is None:
            return "?g reg:currentVersion ?v ."
        t = sparql_datetime(as_of)
        return (
            f"?v reg:versionOf ?g ; prov:generatedAtTime ?vt . FILTER(?vt <= {t}) "
            f"FILTER NOT EXISTS {{ ?later reg:versionOf ?g ; prov:generatedAtTime ?lt . "
            f"FILTER(?lt <= {t} && ?lt > ?vt) }}"
        )

    def cases(
        self,
        caller: Caller,
        *,
        status: CaseStatus | None = None,
        framework: str | None = None,
        product: str | None = None,
        mah: str | None = None,
        as_of: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, object]]:
        """Return the caller's cases (status computed as of ``as_of`` or now), oldest first:
        by the time each was first received, then by id (a stable order for paging).

        A case is ``closed`` when every obligation is fulfilled, ``overdue`` when one is past
        due, ``pending`` when one is still due later; ``open`` is overdue or pending.

        Raises:
            Forbidden: a researcher. InputError: an unknown framework or a bad IRI.
        """
        can_read_cases(caller)
        pairs = []
        if framework is not None:
            pairs.append(("framework", literal(get_framework(framework).code)))
        try:
            if product is not None:
                pairs.append(("product", iri(product)))
            if mah is not None:
                pairs.append(("mah", iri(mah)))
        except ValueError:
            raise InputError("product and mah are IRIs") from None
        # now: the record's summary; as of a past time: the version current then
        filters = [
            f"?{'g' if as_of is None or name == 'framework' else 'v'} reg:{name} {value} ."
            for name, value in pairs
        ]
        now = as_of or self.clock()
        if as_of is None:
            page = self.backend.select(
                fill(
                    "cases-page",
                    status=_STATUS[status].replace("$asof", sparql_datetime(now)),
                    visibility=visibility_filter(caller),
                    filters="\n".join(filters),
                    limit=str(int(limit)),
                    offset=str(int(offset)),
                )
            )
            if not page:
                return []
            graphs = " ".join(iri(row["g"].value) for row in page)
            rows = self.backend.select(
                fill(
                    "cases-now",
                    page=f"VALUES ?g {{ {graphs} }}",
                    profiles=iri(PROFILES),
                    asof=sparql_datetime(now),
                )
            )
        else:
            rows = self.backend.select(
                fill(
                    "cases",
                    visibility=visibility_pattern(caller),
                    current=self._current_pattern(as_of),
                    filters="\n".join(filters),
                    having=_HAVING[status],
                    asof=sparql_datetime(now),
                    limit=str(int(limit)),
                    offset=str(int(offset)),
                )
            )
        out: list[dict[str, object]] = []
        for row in rows:
            overdue, pending = _int(row, "overdue"), _int(row, "pending")
            out.append(
                {
                    "id": _text(row, "id"),
                    "framework": _text(row, "framework"),
                    "version": _int(row, "version"),
                    "updatedAt": _when(row, "updated").isoformat(),
                    "conforms": _text(row, "conforms") == "true",
                    "product": _text(row, "product"),
                    "mah": _text(row, "mah"),
                    "obligations": _int(row, "obligations"),
                    "overdue": overdue,
                    "pending": pending,
                    "status": "overdue" if overdue else "pending" if pending else "closed",
                }
            )
        return out

    def due(
        self,
        caller: Caller,
        before: datetime,
        *,
        as_of: datetime | None = None,
        limit: int = 1000,
    ) -> list[dict[str, str | None]]:
        """Return the obligations not fulfilled and due before ``before``, soonest first
        (then by case id).

        Raises:
            Forbidden: a researcher.
        """
        can_read_cases(caller)
        terms = {
            "visibility": visibility_filter(caller),
            "before": sparql_datetime(before),
            "asof": sparql_datetime(as_of or self.clock()),
            "limit": str(int(limit)),
        }
        if as_of is None:  # the current versions' obligations not fulfilled, by due time
            rows = self.backend.select(fill("due-now", **terms))
        else:
            rows = self.backend.select(fill("due", current=self._current_pattern(as_of), **terms))
        names = ("id", "obligation", "label", "clause", "bearer", "due", "status")
        return [{name: _text(row, name) for name in names} for row in rows]
