"""What the registry writes of a case version: its quads, all at once.

A first version is a list of quads, inserted in one transaction (the embedded store adds them
as they are; a remote one gets one ``INSERT DATA``). A later one is four SPARQL Update
operations in one request (one transaction on Oxigraph and Fuseki), each conditional on the
case still being at the version the writer read: drop the previous content, add the new
version, move the version count. Two writers racing from one version: the second finds the
count moved and changes nothing; it learns it lost by reading back whose ``reg:nonce`` the new
version carries.

Besides the version, each write replaces the record's summary (:data:`SUMMARY`) and, the first
time a writer meets it, adds the version's profile (:mod:`oos_kg.registry._profile`) to the
shared profiles graph: follow-up and reports over many cases read one or two triples a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from oos_kg.registry._content import CaseContent
from oos_kg.registry._profile import Profile
from oos_kg.registry._verdict import Verdict
from oos_kg.registry._vocab import PROFILES, REG, case_iri, version_iri

__all__ = [
    "PREFIXES",
    "SUMMARY",
    "Sender",
    "first_version",
    "iri",
    "literal",
    "next_version",
    "ntriples",
]

PREFIXES = (
    f"PREFIX reg: <{REG}>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "PREFIX oos: <https://w3id.org/oos-kg/ontology#>\n"
)

_PROV = "http://www.w3.org/ns/prov#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_DATETIME = ox.NamedNode(f"{_XSD}dateTime")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(f"{_XSD}boolean"))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(f"{_XSD}boolean"))
_NEVER = ox.Literal("9999-12-31T23:59:59Z", datatype=_DATETIME)


def _reg(name: str) -> ox.NamedNode:
    return ox.NamedNode(REG + name)


_R = {
    name: _reg(name)
    for name in (
        "CaseRecord caseId framework createdAt versionCount currentVersion jurisdiction "
        "submitter visibleTo CaseVersion versionOf versionNumber sentWithToken nonce conforms "
        "findingCount content suppliedAt product mah finding rule shape severity focusNode "
        "clause resultPath value obligationStatus obligation bearer status due open profile "
        "nextDue lastDue lateFrom unmetDue caseSuppliedAt"
    ).split()
}
_ENTITY = ox.NamedNode(f"{_PROV}Entity")
_GENERATED = ox.NamedNode(f"{_PROV}generatedAtTime")
_ATTRIBUTED = ox.NamedNode(f"{_PROV}wasAttributedTo")
_REVISION_OF = ox.NamedNode(f"{_PROV}wasRevisionOf")


def iri(value: str) -> str:
    """Return ``<value>``, refusing text that is not an IRI.

    Raises:
        ValueError: not an IRI.
    """
    return str(ox.NamedNode(value))


def literal(value: str | int | bool) -> str:
    """Return a SPARQL literal (strings escaped as N-Triples escapes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return str(ox.Literal(value))


def _when(value: datetime) -> ox.Literal:
    """``value`` (UTC) as an ``xsd:dateTime`` literal, as ``sparql_datetime`` writes it."""
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return ox.Literal(f"{text}Z", datatype=_DATETIME)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(f"{_XSD}integer"))


def _bool(value: bool) -> ox.Literal:
    return _TRUE if value else _FALSE


def ntriples(triples: list[ox.Triple]) -> str:
    """Return ``triples`` as N-Triples text (also valid inside a SPARQL Update template)."""
    return "".join(f"{t} .\n" for t in triples)


Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triples = Iterator[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, Term]]


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent a version: organisation IRI (may be None for an admin) and token id."""

    org: str | None
    token_id: str


def _version_triples(
    case_id: str,
    number: int,
    content: CaseContent,
    verdict: Verdict,
    sender: Sender,
    at: datetime,
    nonce: str,
    mahs: tuple[str, ...],
) -> Triples:
    name = version_iri(case_id, number)
    v = ox.NamedNode(name)
    yield v, _A, _R["CaseVersion"]
    yield v, _A, _ENTITY
    yield v, _R["versionOf"], ox.NamedNode(case_iri(case_id))
    yield v, _R["versionNumber"], _int(number)
    yield v, _GENERATED, _when(at)
    yield v, _R["sentWithToken"], ox.Literal(sender.token_id)
    yield v, _R["nonce"], ox.Literal(nonce)
    yield v, _R["conforms"], _bool(verdict.conforms)
    yield v, _R["findingCount"], _int(len(verdict.findings))
    yield v, _R["content"], ox.Literal(content.ntriples)
    if sender.org:
        yield v, _ATTRIBUTED, ox.NamedNode(sender.org)
    if number > 1:
        yield v, _REVISION_OF, ox.NamedNode(version_iri(case_id, number - 1))
    if content.supplied_at is not None:
        yield v, _R["suppliedAt"], _when(content.supplied_at)
    yield from ((v, _R["product"], ox.NamedNode(p)) for p in content.products)
    yield from ((v, _R["mah"], ox.NamedNode(m)) for m in mahs)
    for k, f in enumerate(verdict.findings):
        node = ox.NamedNode(f"{name}/finding/{k}")
        yield v, _R["finding"], node
        yield node, _R["rule"], ox.Literal(f.rule)
        yield node, _R["shape"], ox.Literal(f.shape)
        yield node, _R["severity"], ox.Literal(f.severity)
        yield node, _R["focusNode"], ox.Literal(f.focus_node)
        if f.clause:
            yield node, _R["clause"], ox.NamedNode(f.clause)
        if f.path:
            yield node, _R["resultPath"], ox.Literal(f.path)
        if f.value is not None:
            yield node, _R["value"], ox.Literal(f.value)
    for k, o in enumerate(verdict.obligations):
        node = ox.NamedNode(f"{name}/obligation/{k}")
        yield v, _R["obligationStatus"], node
        yield node, _R["obligation"], ox.NamedNode(o.obligation)
        yield node, _LABEL, ox.Literal(o.label)
        yield node, _R["bearer"], ox.NamedNode(o.bearer)
        yield node, _R["status"], ox.Literal(o.status)
        if o.clause:
            yield node, _R["clause"], ox.NamedNode(o.clause)
        if o.due is not None:
            yield node, _R["due"], _when(o.due)


SUMMARY = (
    "open",
    "product",
    "mah",
    "profile",
    "nextDue",
    "lastDue",
    "lateFrom",
)
"""What the record says of its current version, replaced with each version: one triple per
fact on the record node, so that follow-up and reports over many cases read one or two
triples per case instead of walking to the version and its obligations. ``nextDue``: the due
time of its pending timed obligations (the earliest); ``lastDue``: the latest time one is
still pending (far future for one without a due time); ``lateFrom``: the time from which the
case is overdue (its entry, when an obligation was overdue then). Besides, in the case's
graph, each obligation of the current version not fulfilled and with a due time carries
``reg:unmetDue``, and the profile carries ``reg:caseSuppliedAt`` the supply time: a report
reads that one quad a case to count the cases supplied in its period per profile."""

PER_VERSION = ("unmetDue", "caseSuppliedAt")
"""The summary's triples on other subjects than the record, replaced with each version."""


def _summary_triples(
    case_id: str,
    number: int,
    content: CaseContent,
    verdict: Verdict,
    at: datetime,
    mahs: tuple[str, ...],
    profile: Profile,
) -> Triples:
    g = ox.NamedNode(case_iri(case_id))
    unmet = [o for o in verdict.obligations if o.status != "fulfilled"]
    pending = [o for o in unmet if o.status == "pending"]
    yield g, _R["open"], _bool(bool(unmet))
    yield g, _R["profile"], ox.NamedNode(profile.iri)
    yield from ((g, _R["product"], ox.NamedNode(p)) for p in content.products)
    yield from ((g, _R["mah"], ox.NamedNode(m)) for m in mahs)
    if content.supplied_at is not None:
        yield ox.NamedNode(profile.iri), _R["caseSuppliedAt"], _when(content.supplied_at)
    dues = [o.due for o in pending if o.due is not None]
    if dues:
        yield g, _R["nextDue"], _when(min(dues))
    if profile.overdue_at_entry:
        yield g, _R["lateFrom"], _when(at)
    elif dues:
        yield g, _R["lateFrom"], _when(min(dues))
    if pending:
        yield g, _R["lastDue"], _NEVER if len(dues) < len(pending) else _when(max(dues))
    name = version_iri(case_id, number)
    for k, o in enumerate(verdict.obligations):
        if o.status != "fulfilled" and o.due is not None:
            yield ox.NamedNode(f"{name}/obligation/{k}"), _R["unmetDue"], _when(o.due)


def first_version(
    case_id: str,
    framework: str,
    jurisdiction: str | None,
    content: CaseContent,
    verdict: Verdict,
    sender: Sender,
    at: datetime,
    nonce: str,
    mahs: tuple[str, ...],
    profile: Profile,
    *,
    new_profile: bool = True,
) -> list[ox.Quad]:
    """Return the quads that create case ``case_id`` with its version 1, in its graph.

    Args:
        new_profile: add the profile's triples (to :data:`PROFILES`); False when the writer
            knows it wrote them already.

    Raises:
        ValueError: an organisation, product or clause that is not an IRI.
    """
    g = ox.NamedNode(case_iri(case_id))
    record: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, Term]] = [
        (g, _A, _R["CaseRecord"]),
        (g, _R["caseId"], ox.Literal(case_id)),
        (g, _R["framework"], ox.Literal(framework)),
        (g, _R["createdAt"], _when(at)),
        (g, _R["versionCount"], _int(1)),
        (g, _R["currentVersion"], ox.NamedNode(version_iri(case_id, 1))),
    ]
    if jurisdiction:
        record.append((g, _R["jurisdiction"], ox.NamedNode(jurisdiction)))
    if sender.org:
        record.append((g, _R["submitter"], ox.NamedNode(sender.org)))
        record.append((g, _R["visibleTo"], ox.NamedNode(sender.org)))
    record += [(g, _R["visibleTo"], ox.NamedNode(m)) for m in mahs]
    quads = [ox.Quad(s, p, o, g) for s, p, o in record]
    quads += (
        ox.Quad(s, p, o, g)
        for s, p, o in _version_triples(case_id, 1, content, verdict, sender, at, nonce, mahs)
    )
    quads += (
        ox.Quad(s, p, o, g)
        for s, p, o in _summary_triples(case_id, 1, content, verdict, at, mahs, profile)
    )
    quads += (ox.Quad(q.subject, q.predicate, q.object, g) for q in content.quads)
    if new_profile:
        shared = ox.NamedNode(PROFILES)
        quads += (ox.Quad(t.subject, t.predicate, t.object, shared) for t in profile.triples())
    return quads


def next_version(
    case_id: str,
    expected: int,
    content: CaseContent,
    verdict: Verdict,
    sender: Sender,
    at: datetime,
    nonce: str,
    mahs: tuple[str, ...],
    profile: Profile,
    *,
    new_profile: bool = True,
) -> str:
    """Return the update that adds version ``expected + 1`` if the case is at ``expected``.

    Args:
        new_profile: as for :func:`first_version`.

    Raises:
        ValueError: an organisation, product or clause that is not an IRI.
    """
    g = iri(case_iri(case_id))
    number = expected + 1
    at_expected = f"{g} reg:versionCount {expected} ."
    graph = ox.NamedNode(case_iri(case_id))
    added = [
        *_version_triples(case_id, number, content, verdict, sender, at, nonce, mahs),
        *_summary_triples(case_id, number, content, verdict, at, mahs, profile),
        *((graph, _R["visibleTo"], ox.NamedNode(m)) for m in mahs),
    ]
    text = ntriples([ox.Triple(s, p, o) for s, p, o in added])
    shared = (
        f"GRAPH {iri(PROFILES)} {{\n{ntriples(list(profile.triples()))}}}" if new_profile else ""
    )
    own = literal(case_iri(case_id))
    summary = ", ".join(f"reg:{name}" for name in SUMMARY)
    per_version = ", ".join(f"reg:{name}" for name in PER_VERSION)
    return (
        f"{PREFIXES}"
        f"DELETE {{ GRAPH {g} {{ {g} ?p ?o }} }} WHERE {{ GRAPH {g} {{ {at_expected} "
        f"{g} ?p ?o FILTER(?p IN ({summary})) }} }} ;\n"
        f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ {at_expected} "
        f"?s ?p ?o FILTER(?p IN ({per_version})) }} }} ;\n"
        f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ {at_expected} ?s ?p ?o "
        f"FILTER(isBlank(?s) || !STRSTARTS(STR(?s), {own})) }} }} ;\n"
        f"INSERT {{ GRAPH {g} {{\n{text}{content.ntriples}\n}} {shared} }} "
        f"WHERE {{ GRAPH {g} {{ {at_expected} }} }} ;\n"
        f"DELETE {{ GRAPH {g} {{ {g} reg:versionCount {expected} ; reg:currentVersion ?v }} }} "
        f"INSERT {{ GRAPH {g} {{ {g} reg:versionCount {number} ; "
        f"reg:currentVersion {iri(version_iri(case_id, number))} }} }} "
        f"WHERE {{ GRAPH {g} {{ {at_expected} {g} reg:currentVersion ?v }} }}"
    )
