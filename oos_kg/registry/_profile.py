"""A case version's profile: what reports group by, written once per distinct combination.

Reports over many cases read two triples per case (its supply time and its profile) and then
the few profiles they found. A profile holds what does not change with the time of asking:
framework, conformance, whether an obligation is unmet, administration and doses given,
products and their holders, failed release tests, and the count of obligations per clause,
status and whether the status can still turn overdue. Its IRI is a hash of that content, so
every case with the same combination names the same node, and writing it again changes nothing.

What changes with time stays on each case (``reg:nextDue``, ``reg:lateFrom``): an obligation
pending with a due time turns overdue when that time passes. The rules give each case's timed
obligations one due time (EU-03 and EU-08: 48 h after supply), so a case's pending timed
obligations turn overdue together, at its ``reg:nextDue``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from oos_kg.registry._content import CaseContent
from oos_kg.registry._verdict import Verdict
from oos_kg.registry._vocab import PROFILES, REG

__all__ = ["Profile", "profile_of"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_BOOLEAN = ox.NamedNode(f"{_XSD}boolean")
_INTEGER = ox.NamedNode(f"{_XSD}integer")


def _reg(name: str) -> ox.NamedNode:
    return ox.NamedNode(REG + name)


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_BOOLEAN)


Tally = tuple[str, str, bool, int]
"""Obligations of one clause (``""`` for none) in one stored status, whether they have a
due time, and how many."""


@dataclass(frozen=True, slots=True)
class Profile:
    """The time-independent facts of a case version that reports group by."""

    framework: str
    conforms: bool
    open: bool
    administered: bool
    doses: int
    overdue_at_entry: bool
    products: tuple[str, ...]
    mahs: tuple[str, ...]
    failed_tests: tuple[str, ...]
    tallies: tuple[Tally, ...]
    iri: str
    """A hash of the fields above, under the profiles graph: equal profiles share one node."""

    def triples(self) -> Iterator[ox.Triple]:
        """The profile's triples (written in the :data:`PROFILES` graph)."""
        node = ox.NamedNode(self.iri)
        yield ox.Triple(node, _A, _reg("CaseProfile"))
        yield ox.Triple(node, _reg("framework"), ox.Literal(self.framework))
        yield ox.Triple(node, _reg("conforms"), _bool(self.conforms))
        yield ox.Triple(node, _reg("open"), _bool(self.open))
        yield ox.Triple(node, _reg("administered"), _bool(self.administered))
        yield ox.Triple(node, _reg("doses"), ox.Literal(str(self.doses), datatype=_INTEGER))
        yield ox.Triple(node, _reg("overdueAtEntry"), _bool(self.overdue_at_entry))
        yield from (ox.Triple(node, _reg("product"), ox.NamedNode(p)) for p in self.products)
        yield from (ox.Triple(node, _reg("mah"), ox.NamedNode(m)) for m in self.mahs)
        yield from (ox.Triple(node, _reg("failedTest"), ox.NamedNode(k)) for k in self.failed_tests)
        for k, (clause, status, timed, count) in enumerate(self.tallies):
            tally = ox.NamedNode(f"{self.iri}/{k}")
            yield ox.Triple(node, _reg("tally"), tally)
            if clause:
                yield ox.Triple(tally, _reg("clause"), ox.NamedNode(clause))
            yield ox.Triple(tally, _reg("status"), ox.Literal(status))
            yield ox.Triple(tally, _reg("timed"), _bool(timed))
            yield ox.Triple(tally, _reg("count"), ox.Literal(str(count), datatype=_INTEGER))


def profile_of(
    framework: str, content: CaseContent, verdict: Verdict, mahs: tuple[str, ...]
) -> Profile:
    """Return the profile of a version.

    >>> from oos_kg.registry._verdict import ObligationRecord
    >>> content = CaseContent((), [], "", ("https://p",), None)
    >>> o = ObligationRecord("https://o", "report", "https://c", "https://r", "pending", None)
    >>> profile = profile_of("eu", content, Verdict(True, (), (o, o)), ())
    >>> profile.tallies
    (('https://c', 'pending', False, 2),)
    >>> profile.iri.startswith("https://w3id.org/oos-kg/graph/case/_profiles/")
    True
    """
    counts = Counter((o.clause or "", o.status, o.due is not None) for o in verdict.obligations)
    facts = (
        framework,
        verdict.conforms,
        any(o.status != "fulfilled" for o in verdict.obligations),
        content.administered,
        content.doses,
        any(o.status == "overdue" for o in verdict.obligations),
        content.products,
        mahs,
        content.failed_tests,
        tuple(sorted((*key, n) for key, n in counts.items())),
    )
    digest = hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()[:32]
    return Profile(*facts, iri=f"{PROFILES}/{digest}")
