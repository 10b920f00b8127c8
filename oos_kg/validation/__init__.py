"""Validate OOS provision case graphs against the clauses of a framework (SHACL)."""

from __future__ import annotations

from oos_kg.validation._facts import (
    ClauseInfo,
    FrameworkInfo,
    KgFacts,
    ObligationInfo,
    facts_from_graph,
    facts_from_store,
    load_kg_facts,
)
from oos_kg.validation._frameworks import FRAMEWORKS, Framework, get_framework
from oos_kg.validation._obligations import ObligationStatus, parse_as_of, resolve_as_of
from oos_kg.validation._parse import (
    INPUT_FORMATS,
    MAX_CASE_TRIPLES,
    format_for_media_type,
    format_for_path,
    parse_case,
    parse_untrusted,
)
from oos_kg.validation._render import (
    REPORT_MEDIA_TYPES,
    framework_note,
    report_to_json,
    report_to_rdf,
    report_to_text,
)
from oos_kg.validation._report import FAIL_ON, CaseReport, CaseResult, FailOn
from oos_kg.validation._rules import Rule, load_shapes, rules_of
from oos_kg.validation._validator import ENGINES, CaseValidator, Engine

__all__ = [
    "ENGINES",
    "FAIL_ON",
    "FRAMEWORKS",
    "INPUT_FORMATS",
    "MAX_CASE_TRIPLES",
    "REPORT_MEDIA_TYPES",
    "CaseReport",
    "CaseResult",
    "CaseValidator",
    "ClauseInfo",
    "Engine",
    "FailOn",
    "Framework",
    "FrameworkInfo",
    "KgFacts",
    "ObligationInfo",
    "ObligationStatus",
    "Rule",
    "facts_from_graph",
    "facts_from_store",
    "format_for_media_type",
    "format_for_path",
    "framework_note",
    "get_framework",
    "load_kg_facts",
    "load_shapes",
    "parse_as_of",
    "parse_case",
    "parse_untrusted",
    "report_to_json",
    "report_to_rdf",
    "report_to_text",
    "resolve_as_of",
    "rules_of",
]
