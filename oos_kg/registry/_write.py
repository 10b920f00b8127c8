"""The SPARQL Update text that writes a case version into its named graph, all at once.

A first version is one ``INSERT DATA``. A later one is four operations in one request (one
transaction on Oxigraph and Fuseki), each conditional on the case still being at the version
the writer read: drop the previous content, add the new version, move the version count.
Two writers racing from one version: the second finds the count moved and changes nothing;
it learns it lost by reading back whose ``reg:nonce`` the new version carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox

from oos_kg.registry._content import CaseContent, sparql_datetime
from oos_kg.registry._verdict import Verdict
from oos_kg.registry._vocab import REG, case_iri, version_iri

__all__ = ["PREFIXES", "SUMMARY", "Sender", "first_version", "iri", "literal", "next_version"]

PREFIXES = (
    f"PREFIX reg: <{REG}>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "PREFIX oos: <https://w3id.org/oos-kg/ontology#>\n"
)


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
) -> list[str]:
    v = iri(version_iri(case_id, number))
    lines = [
        f"{v} a reg:CaseVersion , prov:Entity ; reg:versionOf {iri(case_iri(case_id))} ;",
        f"  reg:versionNumber {number} ; prov:generatedAtTime {sparql_datetime(at)} ;",
        f"  reg:sentWithToken {literal(sender.token_id)} ; reg:nonce {literal(nonce)} ;",
        f"  reg:conforms {literal(verdict.conforms)} ; reg:findingCount {len(verdict.findings)} ;",
        f"  reg:content {literal(content.ntriples)} .",
    ]
    if sender.org:
        lines.append(f"{v} prov:wasAttributedTo {iri(sender.org)} .")
    if number > 1:
        lines.append(f"{v} prov:wasRevisionOf {iri(version_iri(case_id, number - 1))} .")
    if content.supplied_at is not None:
        lines.append(f"{v} reg:suppliedAt {sparql_datetime(content.supplied_at)} .")
    lines += [f"{v} reg:product {iri(p)} ." for p in content.products]
    lines += [f"{v} reg:mah {iri(m)} ." for m in mahs]
    for k, f in enumerate(verdict.findings):
        node = iri(f"{version_iri(case_id, number)}/finding/{k}")
        lines.append(
            f"{v} reg:finding {node} . {node} reg:rule {literal(f.rule)} ; "
            f"reg:shape {literal(f.shape)} ; reg:severity {literal(f.severity)} ; "
            f"reg:focusNode {literal(f.focus_node)} ."
        )
        if f.clause:
            lines.append(f"{node} reg:clause {iri(f.clause)} .")
        if f.path:
            lines.append(f"{node} reg:resultPath {literal(f.path)} .")
        if f.value is not None:
            lines.append(f"{node} reg:value {literal(f.value)} .")
    for k, o in enumerate(verdict.obligations):
        node = iri(f"{version_iri(case_id, number)}/obligation/{k}")
        lines.append(
            f"{v} reg:obligationStatus {node} . {node} reg:obligation {iri(o.obligation)} ; "
            f"rdfs:label {literal(o.label)} ; reg:bearer {iri(o.bearer)} ; "
            f"reg:status {literal(o.status)} ."
        )
        if o.clause:
            lines.append(f"{node} reg:clause {iri(o.clause)} .")
        if o.due is not None:
            lines.append(f"{node} reg:due {sparql_datetime(o.due)} .")
    return lines


SUMMARY = (
    "updatedAt",
    "conforms",
    "open",
    "product",
    "mah",
    "suppliedAt",
    "administered",
    "failedTest",
    "nextDue",
    "lastDue",
    "overdueAtEntry",
)
"""What the record says of its current version, replaced with each version: one triple per
fact on the record node, so that follow-up and reports over many cases read one or two
triples per case instead of walking to the version and its obligations."""

_NEVER = "9999-12-31T23:59:59Z"


def _summary_triples(
    case_id: str, content: CaseContent, verdict: Verdict, at: datetime, mahs: tuple[str, ...]
) -> list[str]:
    g = iri(case_iri(case_id))
    unmet = [o for o in verdict.obligations if o.status != "fulfilled"]
    pending = [o for o in unmet if o.status == "pending"]
    lines = [
        f"{g} reg:updatedAt {sparql_datetime(at)} ; reg:conforms {literal(verdict.conforms)} ;"
        f" reg:open {literal(bool(unmet))} .",
        *(f"{g} reg:product {iri(p)} ." for p in content.products),
        *(f"{g} reg:mah {iri(m)} ." for m in mahs),
        *(f"{g} reg:failedTest {iri(k)} ." for k in content.failed_tests),
    ]
    if content.supplied_at is not None:
        lines.append(f"{g} reg:suppliedAt {sparql_datetime(content.supplied_at)} .")
    if content.administered:
        lines.append(f"{g} reg:administered true .")
    if any(o.status == "overdue" for o in unmet):
        lines.append(f"{g} reg:overdueAtEntry true .")
    if pending:
        dues = [sparql_datetime(o.due) for o in pending if o.due is not None]
        undated = len(dues) < len(pending)
        lines.append(f"{g} reg:nextDue {min(dues) if dues else _never()} .")
        lines.append(f"{g} reg:lastDue {_never() if undated else max(dues)} .")
    return lines


def _never() -> str:
    return f'"{_NEVER}"^^<http://www.w3.org/2001/XMLSchema#dateTime>'


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
) -> str:
    """Return the update that creates case ``case_id`` with its version 1."""
    g = iri(case_iri(case_id))
    record = [
        f"{g} a reg:CaseRecord ; reg:caseId {literal(case_id)} ; "
        f"reg:framework {literal(framework)} ; reg:createdAt {sparql_datetime(at)} ;",
        f"  reg:versionCount 1 ; reg:currentVersion {iri(version_iri(case_id, 1))} .",
    ]
    if jurisdiction:
        record.append(f"{g} reg:jurisdiction {iri(jurisdiction)} .")
    if sender.org:
        record.append(f"{g} reg:submitter {iri(sender.org)} ; reg:visibleTo {iri(sender.org)} .")
    record += [f"{g} reg:visibleTo {iri(m)} ." for m in mahs]
    body = "\n".join(
        [
            *record,
            *_version_triples(case_id, 1, content, verdict, sender, at, nonce, mahs),
            *_summary_triples(case_id, content, verdict, at, mahs),
        ]
    )
    return f"{PREFIXES}INSERT DATA {{ GRAPH {g} {{\n{body}\n{content.ntriples}\n}} }}"


def next_version(
    case_id: str,
    expected: int,
    content: CaseContent,
    verdict: Verdict,
    sender: Sender,
    at: datetime,
    nonce: str,
    mahs: tuple[str, ...],
) -> str:
    """Return the update that adds version ``expected + 1`` if the case is at ``expected``."""
    g = iri(case_iri(case_id))
    number = expected + 1
    at_expected = f"{g} reg:versionCount {expected} ."
    added = [
        *_version_triples(case_id, number, content, verdict, sender, at, nonce, mahs),
        *_summary_triples(case_id, content, verdict, at, mahs),
        *(f"{g} reg:visibleTo {iri(m)} ." for m in mahs),
    ]
    own = literal(case_iri(case_id))
    summary = ", ".join(f"reg:{name}" for name in SUMMARY)
    return (
        f"{PREFIXES}"
        f"DELETE {{ GRAPH {g} {{ {g} ?p ?o }} }} WHERE {{ GRAPH {g} {{ {at_expected} "
        f"{g} ?p ?o FILTER(?p IN ({summary})) }} }} ;\n"
        f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ {at_expected} ?s ?p ?o "
        f"FILTER(isBlank(?s) || !STRSTARTS(STR(?s), {own})) }} }} ;\n"
        f"INSERT {{ GRAPH {g} {{\n" + "\n".join(added) + f"\n{content.ntriples}\n}} }} "
        f"WHERE {{ GRAPH {g} {{ {at_expected} }} }} ;\n"
        f"DELETE {{ GRAPH {g} {{ {g} reg:versionCount {expected} ; reg:currentVersion ?v }} }} "
        f"INSERT {{ GRAPH {g} {{ {g} reg:versionCount {number} ; "
        f"reg:currentVersion {iri(version_iri(case_id, number))} }} }} "
        f"WHERE {{ GRAPH {g} {{ {at_expected} {g} reg:currentVersion ?v }} }}"
    )
