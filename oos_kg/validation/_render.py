"""Turn a case report into JSON, text blocks or the SHACL report graph."""

from __future__ import annotations

from typing import Any

from oos_kg.validation._validator import CaseReport, CaseResult

__all__ = ["REPORT_MEDIA_TYPES", "report_to_json", "report_to_rdf", "report_to_text"]

REPORT_MEDIA_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}
"""Media types the SHACL report graph can be serialised in, and rdflib's format names."""


def _clause_json(result: CaseResult) -> dict[str, str | None] | None:
    clause = result.clause
    if clause is None:
        return None
    return {
        "iri": clause.iri,
        "label": clause.label,
        "number": clause.number,
        "instrument": clause.instrument,
        "text": clause.text,
    }


def report_to_json(report: CaseReport, lang: str = "en") -> dict[str, Any]:
    """Return the JSON summary: ``conforms`` and, per result, rule, severity, focus node,
    path, value, message (in ``lang``) and clause.

    Raises:
        Nothing.
    """
    return {
        "framework": report.framework,
        "conforms": report.conforms,
        "results": [
            {
                "rule": r.rule_id,
                "shape": r.shape,
                "severity": r.severity,
                "focusNode": r.focus_node,
                "path": r.path,
                "value": r.value,
                "message": r.message(lang),
                "clause": _clause_json(r),
            }
            for r in report.results
        ],
    }


def _clause_line(result: CaseResult) -> str:
    clause = result.clause
    if clause is None:
        return "(none)"
    parts = [p for p in (clause.instrument, clause.number) if p]
    if not parts and not clause.label:
        return f"<{clause.iri}>"
    head = " ".join(parts) if parts else (clause.label or clause.iri)
    tail = (
        f" - {clause.text}"
        if clause.text
        else (f" - {clause.label}" if parts and clause.label else "")
    )
    return f"{head}{tail} <{clause.iri}>"


def report_to_text(report: CaseReport, source: str, lang: str = "en") -> str:
    """Return one block per result (focus node, message in ``lang``, clause), or one line
    saying the case conforms.

    Raises:
        Nothing.
    """
    if report.conforms:
        return f"{source}: conforms ({report.framework})"
    lines = [f"{source}: {len(report.results)} result(s) ({report.framework})"]
    for r in report.results:
        lines.append(f"  {r.severity}: {r.rule_id}")
        lines.append(f"    focus:   {r.focus_node}")
        if r.path:
            lines.append(f"    path:    {r.path}")
        if r.value and r.value != r.focus_node:
            lines.append(f"    value:   {r.value}")
        lines.append(f"    message: {r.message(lang)}")
        lines.append(f"    clause:  {_clause_line(r)}")
    return "\n".join(lines)


def report_to_rdf(report: CaseReport, rdf_format: str) -> bytes:
    """Serialise the SHACL validation report graph (``turtle`` or ``json-ld``).

    Raises:
        ValueError: for a format rdflib does not know.
    """
    report.report_graph.bind("sh", "http://www.w3.org/ns/shacl#")
    return report.report_graph.serialize(format=rdf_format, encoding="utf-8")
