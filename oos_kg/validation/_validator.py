"""Validate a parsed case graph against a framework's shapes with pyshacl, safely."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node

from oos_kg.errors import InputError
from oos_kg.validation._facts import ClauseInfo, FrameworkInfo, KgFacts, load_kg_facts
from oos_kg.validation._frameworks import get_framework
from oos_kg.validation._obligations import (
    VALIDATION_CONTEXT,
    Fired,
    ObligationStatus,
    as_of_triple,
    resolve_as_of,
    statuses,
)
from oos_kg.validation._rules import Rule, load_shapes, rules_of

__all__ = ["FAIL_ON", "CaseReport", "CaseResult", "CaseValidator", "FailOn", "make_report"]

FailOn = TypingLiteral["violation", "warning", "info"]

FAIL_ON: dict[str, frozenset[str]] = {
    "violation": frozenset({"Violation"}),
    "warning": frozenset({"Violation", "Warning"}),
    "info": frozenset({"Violation", "Warning", "Info"}),
}
"""The severities that make a case non-conforming, by ``--fail-on`` / ``fail_on`` value."""

logger = logging.getLogger(__name__)


_CASE_CLASS = URIRef("https://w3id.org/oos-kg/ontology#OosProvisionCase")
NO_CASE_MESSAGE = (
    "the graph holds no oos:OosProvisionCase, so there is nothing to validate"
    " (type the case node as https://w3id.org/oos-kg/ontology#OosProvisionCase)"
)
"""Why an RDF document without a case node is refused rather than reported as conforming."""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One validation result, mapped to its rule and clause.

    Attributes:
        rule: the rule whose shape produced it (None for a shape outside our catalogue).
        shape: the source shape IRI. severity: ``Violation``, ``Warning`` or ``Info``.
        focus_node: the node it is about. path: the result path, when any.
        value: the offending value, when any. clause: what the graph says of the clause.
    """

    rule: Rule | None
    shape: str
    severity: str
    focus_node: str
    path: str | None
    value: str | None
    clause: ClauseInfo | None

    @property
    def rule_id(self) -> str:
        """The rule id, or the shape IRI when the shape is not one of ours."""
        return self.rule.rule_id if self.rule else self.shape

    def message(self, lang: str) -> str:
        """Return the rule's message in ``lang`` (English when missing)."""
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
    checked = [rule.obligation for rule in rules.values() if rule.obligation]
    fired = [
        Fired(r.rule.obligation, r.severity, r.value)
        for r in results
        if r.rule is not None and r.rule.obligation
    ]
    describe = {
        iri: (info.label or iri, info.clause, info.bearer or "")
        for iri, info in facts.obligations.items()
    }
    return CaseReport(
        framework=code,
        conforms=not any(r.severity == "Violation" for r in results),
        results=tuple(results),
        report_graph=report_graph,
        obligations=statuses(checked, fired, describe),
        as_of=as_of,
        framework_info=facts.framework(get_framework(code).iri),
    )


@lru_cache(maxsize=256)
def _prepared(query: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(query, initNs=dict(namespaces))


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once (pyshacl re-sends the same constraint texts).

    Only our shapes' SPARQL constraints are run on a case graph, so the cache holds a fixed,
    small set of queries; parsing was over two thirds of the time of a validation.
    """

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql":
            spaces = tuple(sorted((k, str(v)) for k, v in (initNs or {}).items()))
            query_object = _prepared(query_object, spaces)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


class CaseValidator:
    """Validate case graphs with our shapes only, together with the KG facts rules need.

    pyshacl is called with the framework's shapes graph (never the data graph), no inference,
    no advanced features (so SHACL rules or SPARQL targets inside a case never run), no JS
    and no owl:imports. Facts about KG resources come from the KG only: case triples whose
    subject the facts describe are dropped before validation, so a case cannot restate them.
    """

    def __init__(self, facts: KgFacts, *, root: Path | None = None) -> None:
        """Build a validator over ``facts``.

        Raises:
            Nothing; shapes are read on first use of each framework.
        """
        self.facts = facts
        self._root = root
        self._fact_subjects = set(facts.graph.subjects())

    @classmethod
    def from_files(cls, root: Path | None = None) -> CaseValidator:
        """Return a validator with facts read from the repository's data files.

        Raises:
            OSError: when a data or shape file cannot be read.
        """
        return cls(load_kg_facts(root), root=root)

    def validate(self, case: Graph, framework: str, *, as_of: datetime | None = None) -> CaseReport:
        """Validate one parsed case graph against ``framework`` as of a time.

        Args:
            case: the case graph (parsed by :func:`parse_case`; not modified).
            framework: a framework code such as ``eu``.
            as_of: the time the case is judged at (with a UTC offset); now when None. An
                obligation not yet due then is pending, not overdue.

        Returns:
            The report, results sorted by focus node, rule id and value, with the status of
            each obligation the framework's shapes check.

        Raises:
            InputError: for an unknown framework, an ``as_of`` without a UTC offset, or a
                graph with no ``oos:OosProvisionCase`` (an empty or unrelated document must
                not pass as a conforming case).
        """
        code = get_framework(framework).code
        when = resolve_as_of(as_of)
        if (None, RDF.type, _CASE_CLASS) not in case:
            raise InputError(NO_CASE_MESSAGE)
        shapes = load_shapes(code, self._root)
        data = _PreparedQueryGraph(bind_namespaces="none")
        for triple in case:
            if triple[0] not in self._fact_subjects and triple[0] != VALIDATION_CONTEXT:
                data.add(triple)
        for triple in self.facts.graph:
            data.add(triple)
        data.add(as_of_triple(when))
        conforms, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=None,
            inference="none",
            abort_on_first=False,
            allow_infos=False,
            allow_warnings=False,
            meta_shacl=False,
            advanced=False,
            js=False,
            debug=False,
            do_owl_imports=False,
            inplace=True,
        )
        if not isinstance(report, Graph):
            raise RuntimeError(f"pyshacl failed: {_}")
        rules = rules_of(code, self._root)
        return make_report(code, self._results(report, rules), report, self.facts, rules, when)

    def _results(self, report: Graph, rules: dict[str, Rule]) -> list[CaseResult]:
        results = []
        for node in report.subjects(RDF.type, SH.ValidationResult):
            shape = report.value(node, SH.sourceShape)
            severity = report.value(node, SH.resultSeverity)
            rule = rules.get(str(shape)) if isinstance(shape, URIRef) else None
            value = report.value(node, SH.value)
            path = report.value(node, SH.resultPath)
            path_text = rule.path if isinstance(path, BNode) and rule else _text(path)
            results.append(
                CaseResult(
                    rule=rule,
                    shape=_text(shape) or "",
                    severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                    focus_node=_text(report.value(node, SH.focusNode)) or "",
                    path=path_text,
                    value=str(value) if isinstance(value, Literal) else _text(value),
                    clause=self.facts.clause(rule.clause) if rule else None,
                )
            )
        return results
