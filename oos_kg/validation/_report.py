"""What a validation finds: results mapped to rules and clauses, obligation statuses, verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal as TypingLiteral

from rdflib import Graph

from oos_kg.validation._facts import ClauseInfo, FrameworkInfo, KgFacts
from oos_kg.validation._frameworks import get_framework
from oos_kg.validation._obligations import Fired, ObligationStatus, statuses
from oos_kg.validation._rules import Rule

__all__ = ["FAIL_ON", "CaseReport", "CaseResult", "FailOn", "make_report"]

FailOn = TypingLiteral["violation", "warning", "info"]

FAIL_ON: dict[str, frozenset[str]] = {
    "violation": frozenset({"Violation"}),
    "warning": frozenset({"Violation", "Warning"}),
    "info": frozenset({"Violation", "Warning", "Info"}),
}
"""The severities that make a case non-conforming, by ``--fail-on`` / ``fail_on`` value."""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One validation result, mapped to its rule and clause.

    Attributes:
        rule: the rule whose shape produced it (None for a shape outside our catalogue).
        shape: the source shape IRI. severity: ``Violation``, ``Warning`` or ``Info``.
        focus_node: the node it is about. path: the result path, when any.
        value: the offending value, when any. clause: what the graph says of the clause.
        messages: the engine's ``sh:resultMessage`` by language tag, ``{?var}`` already
            replaced by the values found (empty when the engine gave none).
    """

    rule: Rule | None
    shape: str
    severity: str
    focus_node: str
    path: str | None
    value: str | None
    clause: ClauseInfo | None
    messages: tuple[tuple[str, str], ...] = ()

    @property
    def rule_id(self) -> str:
        """The rule id, or the shape IRI when the shape is not one of ours."""
        return self.rule.rule_id if self.rule else self.shape

    def message(self, lang: str) -> str:
        """Return the message in ``lang`` with the values found (English when missing), else
        the rule's own message.

        Raises:
            Nothing.
        """
        found = dict(self.messages)
        text = found.get(lang) or found.get("en")
        if text:
            return text
        return self.rule.message(lang) if self.rule else "constraint not met"


@dataclass(frozen=True, slots=True)
class CaseReport:
    """The outcome of validating one case graph against one framework at one time.

    Attributes:
        framework: the framework code.
        conforms: no result of severity ``Violation`` (Warnings and Infos, such as a
            pending deadline, do not make a case non-conforming).
        results: every result, sorted by focus node, rule id and value.
        report_graph: the SHACL validation report graph, as SHACL defines it (its
            ``sh:conforms`` is false on any result); empty when the engine made none.
        obligations: the status of each obligation the framework's shapes check.
        as_of: the time the case was judged at.
        framework_info: what the graph says of the framework (in force or not), if anything.
    """

    framework: str
    conforms: bool
    results: tuple[CaseResult, ...]
    report_graph: Graph = field(repr=False, compare=False)
    obligations: tuple[ObligationStatus, ...] = ()
    as_of: datetime | None = None
    framework_info: FrameworkInfo | None = None

    def fired(self) -> set[str]:
        """Return the ids of the rules that produced at least one result."""
        return {r.rule_id for r in self.results}

    def conforms_at(self, fail_on: str = "violation") -> bool:
        """Return whether no result is as severe as ``fail_on`` (``violation``, the default,
        is :attr:`conforms`; ``warning`` also fails on Warnings; ``info`` on any result).

        Raises:
            KeyError: for another ``fail_on``.
        """
        failing = FAIL_ON[fail_on]
        return not any(r.severity in failing for r in self.results)


def make_report(
    code: str,
    results: list[CaseResult],
    report_graph: Graph,
    facts: KgFacts,
    rules: dict[str, Rule],
    as_of: datetime,
) -> CaseReport:
    """Sort ``results`` and add the obligation statuses and framework facts to a report.

    Raises:
        Nothing.
    """
    results.sort(key=lambda r: (r.focus_node, r.rule_id, r.value or ""))
    checked = [iri for rule in rules.values() for iri in rule.obligations]
    timed = {iri for rule in rules.values() if rule.severity == "Info" for iri in rule.obligations}
    fired = [
        Fired(iri, r.severity, r.value)
        for r in results
        if r.rule is not None
        for iri in r.rule.obligations
    ]
    # the clause a finding of the checking rule cites under this framework (as precise as
    # the source allows), else the one the graph says states the obligation
    cited = {
        iri: rule.clause_for(code)
        for rule in sorted(rules.values(), key=lambda r: r.rule_id, reverse=True)
        for iri in rule.obligations
    }
    describe = {
        iri: (info.label or iri, cited.get(iri) or info.clause, info.bearer or "")
        for iri in set(checked)
        if (info := facts.obligations.get(iri)) is not None
    }
    return CaseReport(
        framework=code,
        conforms=not any(r.severity == "Violation" for r in results),
        results=tuple(results),
        report_graph=report_graph,
        obligations=statuses(checked, fired, describe, timed),
        as_of=as_of,
        framework_info=facts.framework(code, get_framework(code).iri),
    )
