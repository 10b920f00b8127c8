"""Turn a case report into JSON, text blocks or the SHACL report graph."""

from __future__ import annotations

from typing import Any

from oos_kg.validation._facts import FrameworkInfo
from oos_kg.validation._obligations import ObligationStatus
from oos_kg.validation._report import CaseReport, CaseResult

__all__ = [
    "REPORT_MEDIA_TYPES",
    "framework_note",
    "report_to_json",
    "report_to_rdf",
    "report_to_text",
]

REPORT_MEDIA_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}
"""Media types the SHACL report graph can be serialised in, and rdflib's format names."""


_ENGLISH_ONLY = "(English only)"


def _clause_json(result: CaseResult, lang: str) -> dict[str, str | None] | None:
    clause = result.clause
    if clause is None:
        return None
    text, text_lang = clause.text_in(lang)
    return {
        "iri": clause.iri,
        "label": clause.label_in(lang),
        "number": clause.number,
        "instrument": clause.instrument,
        "text": text,
        "textLanguage": text_lang,
        "note": _ENGLISH_ONLY if text_lang and text_lang != lang else None,
    }


_NOT_IN_FORCE = {
    "en": "this framework is not in force; the case is checked against it as proposed",
    "ja": "この枠組みは施行されていない。事例は提案された内容に照らして検査している",
}
_STATUS = {
    "en": {"pending": "pending", "fulfilled": "fulfilled", "overdue": "overdue"},
    "ja": {"pending": "履行待ち", "fulfilled": "履行済み", "overdue": "期限超過"},
}
_WORDS = {
    "en": {
        "as_of": "as of",
        "due": "due",
        "none": "no due time",
        "obligations": "obligations",
    },
    "ja": {"as_of": "基準日時", "due": "期限", "none": "期限日時なし", "obligations": "義務"},
}


def _lang(lang: str) -> str:
    return lang if lang in _WORDS else "en"


def framework_note(info: FrameworkInfo | None, lang: str = "en") -> str | None:
    """Return what a summary says of the framework's force: a note when the graph says it
    is not in force, else None (nothing is said when the graph is silent).

    Raises:
        Nothing.
    """
    if info is None or info.in_force is not False:
        return None
    return _NOT_IN_FORCE[_lang(lang)]


def _framework_json(info: FrameworkInfo | None, lang: str) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "iri": info.iri,
        "label": info.label,
        "inForce": info.in_force,
        "note": framework_note(info, lang),
    }


def _obligation_json(status: ObligationStatus) -> dict[str, Any]:
    return {
        "obligation": status.obligation,
        "label": status.label,
        "clause": status.clause,
        "bearer": status.bearer,
        "status": status.status,
        "due": status.due.isoformat() if status.due else None,
    }


def report_to_json(
    report: CaseReport, lang: str = "en", fail_on: str = "violation"
) -> dict[str, Any]:
    """Return the JSON summary: ``conforms``, the time judged at (``asOf``), the framework
    (and whether it is in force, when the graph says), each obligation's status and due time,
    and per result: rule, severity, focus node, path, value, message (in ``lang``), clause.
    ``conforms`` is false when a result is as severe as ``fail_on`` (by default only a
    Violation; a Warning or an Info, such as a pending deadline, does not count).

    Raises:
        KeyError: for a ``fail_on`` other than ``violation``, ``warning`` or ``info``.
    """
    return {
        "framework": report.framework,
        "frameworkInfo": _framework_json(report.framework_info, lang),
        "asOf": report.as_of.isoformat() if report.as_of else None,
        "conforms": report.conforms_at(fail_on),
        "failOn": fail_on,
        "obligations": [_obligation_json(o) for o in report.obligations],
        "results": [
            {
                "rule": r.rule_id,
                "shape": r.shape,
                "severity": r.severity,
                "focusNode": r.focus_node,
                "path": r.path,
                "value": r.value,
                "message": r.message(lang),
                "clause": _clause_json(r, lang),
            }
            for r in report.results
        ],
    }


def _clause_line(result: CaseResult, lang: str) -> str:
    """The clause's label and IRI, then its text in ``lang`` (saying when only English exists)."""
    clause = result.clause
    if clause is None:
        return "(none)"
    head = clause.label_in(lang) or " ".join(p for p in (clause.instrument, clause.number) if p)
    text, text_lang = clause.text_in(lang)
    line = f"{head} <{clause.iri}>" if head else f"<{clause.iri}>"
    if text:
        note = f" {_ENGLISH_ONLY}" if text_lang != lang else ""
        line += f"\n             {text}{note}"
    return line


def report_to_text(
    report: CaseReport, source: str, lang: str = "en", fail_on: str = "violation"
) -> str:
    """Return the verdict, the time judged at, a note when the framework is not in force,
    each obligation's status, and one block per result (focus node, message in ``lang``,
    clause). The verdict counts results as severe as ``fail_on``.

    Raises:
        KeyError: for a ``fail_on`` other than ``violation``, ``warning`` or ``info``.
    """
    verdict = "conforms" if report.conforms_at(fail_on) else "does not conform"
    words = _WORDS[_lang(lang)]
    lines = [f"{source}: {verdict} ({report.framework}), {len(report.results)} result(s)"]
    if report.as_of is not None:
        lines.append(f"  {words['as_of']}: {report.as_of.isoformat()}")
    note = framework_note(report.framework_info, lang)
    if note:
        lines.append(f"  note: {note}")
    if report.obligations:
        lines.append(f"  {words['obligations']}:")
    for o in report.obligations:
        due = f" ({words['due']} {o.due.isoformat()})" if o.due else ""
        if o.status == "pending" and o.due is None:
            due = f" ({words['none']})"
        lines.append(f"    {_STATUS[_lang(lang)][o.status]}{due}: {o.label} <{o.obligation}>")
    for r in report.results:
        lines.append(f"  {r.severity}: {r.rule_id}")
        lines.append(f"    focus:   {r.focus_node}")
        if r.path:
            lines.append(f"    path:    {r.path}")
        if r.value and r.value != r.focus_node:
            lines.append(f"    value:   {r.value}")
        lines.append(f"    message: {r.message(lang)}")
        lines.append(f"    clause:  {_clause_line(r, lang)}")
    return "\n".join(lines)


def report_to_rdf(report: CaseReport, rdf_format: str) -> bytes:
    """Serialise the SHACL validation report graph (``turtle`` or ``json-ld``).

    Raises:
        ValueError: for a format rdflib does not know.
    """
    report.report_graph.bind("sh", "http://www.w3.org/ns/shacl#")
    return report.report_graph.serialize(format=rdf_format, encoding="utf-8")
