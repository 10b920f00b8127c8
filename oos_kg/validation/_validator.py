"""Validate a case against a framework's shapes: pyshacl-turbo on a pyoxigraph store, or
pyshacl (the reference engine) on an rdflib graph; both safely, with the same results."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import pyshacl_turbo
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from oos_kg.errors import InputError
from oos_kg.namespaces import OOS
from oos_kg.validation._facts import KgFacts, load_kg_facts
from oos_kg.validation._frameworks import get_framework
from oos_kg.validation._obligations import VALIDATION_CONTEXT, as_of_triple, resolve_as_of
from oos_kg.validation._report import CaseReport, CaseResult, make_report
from oos_kg.validation._rules import Rule, load_shapes, rules_of
from oos_kg.validation._terms import to_ox, to_ox_quad

__all__ = ["ENGINES", "NO_CASE_MESSAGE", "CaseValidator", "Engine"]

logger = logging.getLogger(__name__)

Engine = TypingLiteral["turbo", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("turbo", "pyshacl")
"""``turbo``: pyshacl-turbo (Rust) on a pyoxigraph store, the default; ``pyshacl``: the
reference engine, on an rdflib graph (differential tests, the benchmark's anchor)."""

_CASE_CLASS = URIRef(OOS.OosProvisionCase)
_OX_CASE_CLASS = ox.NamedNode(str(OOS.OosProvisionCase))
_OX_RDF_TYPE = ox.NamedNode(str(RDF.type))
_OX_CONTEXT = ox.NamedNode(str(VALIDATION_CONTEXT))
_OX_DEFAULT_GRAPH = ox.DefaultGraph()
NO_CASE_MESSAGE = (
    "the graph holds no oos:OosProvisionCase, so there is nothing to validate"
    " (type the case node as https://w3id.org/oos-kg/ontology#OosProvisionCase)"
)
"""Why an RDF document without a case node is refused rather than reported as conforming."""

Case = Graph | Sequence[ox.Quad]
"""A parsed case: an rdflib graph (:func:`parse_case`) or Oxigraph quads
(:func:`parse_untrusted` of Turtle, ill-typed literals kept as written)."""


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


class CaseValidator:
    """Validate case graphs with our shapes only, together with the KG facts rules need.

    The engine is given the framework's shapes graph as written (never the data as shapes),
    no inference, no SHACL-AF (so SHACL rules or SPARQL targets inside a case never run), no
    JS and no owl:imports, and the data as an in-memory store or graph, never a string (a
    string that looks like a URL or path would be fetched or opened). Facts about KG
    resources come from the KG only: case triples whose subject the facts describe, or the
    validation context, are dropped, so a case cannot restate them or set its own time.
    """

    def __init__(
        self, facts: KgFacts, *, root: Path | None = None, engine: Engine = "turbo"
    ) -> None:
        """Build a validator over ``facts``.

        Raises:
            ValueError: for an unknown engine. Shapes are read on first use of a framework.
        """
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; use one of {ENGINES}")
        self.facts = facts
        self.engine = engine
        self._root = root
        # the validation context is dropped like a fact subject: a case cannot set its time
        self._fact_subjects = {*facts.graph.subjects(), VALIDATION_CONTEXT}
        self._ox_fact_subjects = {to_ox(s) for s in self._fact_subjects}
        self._fact_quads = [to_ox_quad(t) for t in facts.graph]
        self._programs: dict[str, pyshacl_turbo.CompiledShapes] = {}
        self._as_of: tuple[str, ox.Quad] | None = None

    @classmethod
    def from_files(cls, root: Path | None = None, *, engine: Engine = "turbo") -> CaseValidator:
        """Return a validator with facts read from the repository's data files.

        Raises:
            OSError: when a data or shape file cannot be read.
        """
        return cls(load_kg_facts(root), root=root, engine=engine)

    def validate(self, case: Case, framework: str, *, as_of: datetime | None = None) -> CaseReport:
        """Validate one parsed case against ``framework`` as of a time.

        Args:
            case: the case (an rdflib graph or Oxigraph quads; not modified).
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
            RdfSyntaxError: a term of an rdflib graph that Oxigraph refuses (turbo only).
            TypeError: for a case given as anything else (a string, a path): it is never
                handed to the engine, which would fetch or open it.
        """
        if not isinstance(case, Graph | list | tuple):
            # never a string or path: both engines would fetch a URL or open a file
            raise TypeError(f"a case is a parsed graph or quads, not {type(case).__name__}")
        code = get_framework(framework).code
        when = resolve_as_of(as_of)
        if self.engine == "turbo":
            report = self._turbo(case, code, when)
        else:
            report = self._pyshacl(case, code, when)
        rules = rules_of(code, self._root)
        results = self._results(report, rules, code)
        return make_report(code, results, report, self.facts, rules, when)

    def prepare(self, framework: str) -> None:
        """Compile ``framework``'s shapes and read its rules now rather than on first use
        (before worker processes are forked, so that they share the work, or at start-up).

        Raises:
            InputError: for an unknown framework.
        """
        code = get_framework(framework).code
        rules_of(code, self._root)
        if self.engine == "turbo":
            self._program(code)

    def _program(self, code: str) -> pyshacl_turbo.CompiledShapes:
        program = self._programs.get(code)
        if program is None:
            # the shapes' triples without the file's prefix bindings: the engine binds them
            # again on every report graph it makes (0.5 ms of 3 a case, measured); the SPARQL
            # constraints carry their own prefixes (sh:prefixes)
            bare = Graph(bind_namespaces="none")
            for triple in load_shapes(code, self._root):
                bare.add(triple)
            program = pyshacl_turbo.compile_shapes(bare)  # type: ignore[no-untyped-call]
            self._programs[code] = program
        return program

    def _as_of_quad(self, when: datetime) -> ox.Quad:
        # keyed by the text: equal instants with other offsets are equal datetimes
        cached = self._as_of  # one read: the validator may serve several threads
        if cached is None or cached[0] != when.isoformat():
            cached = (when.isoformat(), to_ox_quad(as_of_triple(when)))
            self._as_of = cached
        return cached[1]

    def _turbo(self, case: Case, code: str, when: datetime) -> Graph:
        quads = [to_ox_quad(t) for t in case] if isinstance(case, Graph) else case
        dropped = self._ox_fact_subjects
        kept = [
            q if q.graph_name == _OX_DEFAULT_GRAPH else ox.Quad(q.subject, q.predicate, q.object)
            for q in quads
            if q.subject not in dropped
        ]
        if not any(q.predicate == _OX_RDF_TYPE and q.object == _OX_CASE_CLASS for q in kept):
            raise InputError(NO_CASE_MESSAGE)
        kept += self._fact_quads
        kept.append(self._as_of_quad(when))
        store = ox.Store()
        store.extend(kept)
        _, report, text = self._program(code).validate(  # type: ignore[no-untyped-call]
            store, inference="none", abort_on_first=False, allow_infos=False, allow_warnings=False
        )
        if not isinstance(report, Graph):
            raise RuntimeError(f"pyshacl-turbo failed: {text}")
        return report

    def _pyshacl(self, case: Case, code: str, when: datetime) -> Graph:
        # imported here, not at the top: pyshacl and rdflib's SPARQL engine cost about 0.2 s
        # to import, which every process validating with the default engine would pay
        from oos_kg.validation._reference import validate_with_pyshacl

        graph = case if isinstance(case, Graph) else _to_rdflib(case)
        if (None, RDF.type, _CASE_CLASS) not in graph:
            raise InputError(NO_CASE_MESSAGE)
        data = [t for t in graph if t[0] not in self._fact_subjects]
        data += self.facts.graph
        data.append(as_of_triple(when))
        return validate_with_pyshacl(data, load_shapes(code, self._root))

    def _results(self, report: Graph, rules: dict[str, Rule], code: str) -> list[CaseResult]:
        # one pass over the report rather than a lookup per field (SHACL gives each of
        # these fields one value a result; messages may be several)
        fields: dict[Node, dict[Node, list[Node]]] = {}
        for subject, predicate, obj in report:
            fields.setdefault(subject, {}).setdefault(predicate, []).append(obj)
        results = []
        for node in report.subjects(RDF.type, SH.ValidationResult):
            field = fields[node]
            shape, severity, value, path, focus_node = (
                values[0] if (values := field.get(key)) else None for key in _RESULT_FIELDS
            )
            rule = rules.get(str(shape)) if isinstance(shape, URIRef) else None
            path_text = rule.path if isinstance(path, BNode) and rule else _text(path)
            focus = _text(focus_node) or ""
            value_text = str(value) if isinstance(value, Literal) else _text(value)
            messages = _messages(
                [m for m in field.get(SH.resultMessage, ()) if isinstance(m, Literal)],
                rule,
                {"this": focus, "value": value_text or "", "path": path_text or ""},
            )
            results.append(
                CaseResult(
                    rule=rule,
                    shape=_text(shape) or "",
                    severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                    focus_node=focus,
                    path=path_text,
                    value=value_text,
                    clause=self.facts.clause(rule.clause_for(code)) if rule else None,
                    messages=messages,
                )
            )
        return results


_RESULT_FIELDS = (SH.sourceShape, SH.resultSeverity, SH.value, SH.resultPath, SH.focusNode)

_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


@lru_cache(maxsize=512)
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)
    # split gives text, name, text, name, ...: placeholders become lazy groups
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(parts)), re.S
    )


def _messages(
    found: list[Literal], rule: Rule | None, values: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """The result's messages by language, with every ``{?var}`` / ``{$var}`` filled.

    Both engines fill a SPARQL constraint's variables but drop the message's language tag,
    and neither fills ``{$this}``, ``{?value}`` or ``{?path}`` in a core constraint's message
    (SHACL defines the substitution for SPARQL-based constraints only). A message without a
    tag gets the language of the rule's message it was made from; what is left unfilled
    gets the focus node, value or path.
    """
    templates = [
        (lang, _template_pattern(text)) for lang, text in (rule.messages if rule else {}).items()
    ]
    out: dict[str, str] = {}
    for message in found:
        text = str(message)
        lang = message.language or next(
            (tag for tag, pattern in templates if pattern.fullmatch(text)), ""
        )
        filled = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
        out.setdefault(lang, filled)
    return tuple(sorted(out.items()))


def _from_ox(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # as written: rdflib would otherwise rewrite an ill-formed date-time ("2024-02-27")
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


def _to_rdflib(quads: Sequence[ox.Quad]) -> Graph:
    graph = Graph(bind_namespaces="none")
    for quad in quads:
        graph.add((_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object)))
    return graph
