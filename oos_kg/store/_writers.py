"""Write an answer read whole from a remote store in the media type the client asked for, as the
embedded store writes it (SPARQL JSON, XML, CSV and TSV results; graphs through pyoxigraph).

pyoxigraph writes results only for queries it ran itself, so the four result formats are
written here, after the W3C result format notes, in Oxigraph's layout.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from oos_kg.errors import NotAcceptable
from oos_kg.sparql.negotiation import GRAPH_TYPES, RESULTS_TYPES
from oos_kg.store._answers import Solutions, Term

__all__ = ["write_graph", "write_results"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = f"{_XSD}string"
_SHORT_FORMS = {
    f"{_XSD}integer": re.compile(r"[+-]?[0-9]+"),
    f"{_XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{_XSD}double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
    f"{_XSD}boolean": re.compile(r"true|false"),
}
"""Literals TSV may write bare, as Turtle does (``1``, ``1.5``, ``true``)."""


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    written = {"type": "literal", "value": term.value}
    if term.language:
        written["xml:lang"] = term.language
    elif term.datatype.value != _STRING:
        written["datatype"] = term.datatype.value
    return written


def _json(answer: Solutions | bool) -> bytes:
    if isinstance(answer, bool):
        document: dict[str, object] = {"head": {}, "boolean": answer}
    else:
        bindings = [{name: _json_term(term) for name, term in row.items()} for row in answer.rows]
        document = {"head": {"vars": list(answer.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_text(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
    if term.datatype.value != _STRING:
        datatype = quoteattr(term.datatype.value)
        return f"<literal datatype={datatype}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(term.value)}</literal>"


def _xml(answer: Solutions | bool) -> bytes:
    parts = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if isinstance(answer, bool):
        parts.append(f"<head></head><boolean>{str(answer).lower()}</boolean>")
    else:
        parts.append("<head>")
        parts.extend(f"<variable name={quoteattr(name)}/>" for name in answer.variables)
        parts.append("</head><results>")
        for row in answer.rows:
            parts.append("<result>")
            parts.extend(
                f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                for name, term in row.items()
            )
            parts.append("</result>")
        parts.append("</results>")
    parts.append("</sparql>")
    return "".join(parts).encode()


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, BlankNode) else term.value
    if any(char in text for char in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(answer: Solutions | bool) -> bytes:
    if isinstance(answer, bool):
        return str(answer).lower().encode()
    lines = [",".join(answer.variables)]
    lines.extend(
        ",".join(_csv_field(row.get(name)) for name in answer.variables) for row in answer.rows
    )
    return "".join(f"{line}\r\n" for line in lines).encode()


def _tsv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and not term.language:
        short = _SHORT_FORMS.get(term.datatype.value)
        if short is not None and short.fullmatch(term.value):
            return term.value
    return str(term)


def _tsv(answer: Solutions | bool) -> bytes:
    if isinstance(answer, bool):
        return str(answer).lower().encode()
    lines = ["\t".join(f"?{name}" for name in answer.variables)]
    lines.extend(
        "\t".join(_tsv_field(row.get(name)) for name in answer.variables) for row in answer.rows
    )
    return "".join(f"{line}\n" for line in lines).encode()


_RESULT_WRITERS: dict[str, Callable[[Solutions | bool], bytes]] = dict(
    zip(RESULTS_TYPES, (_json, _xml, _csv, _tsv), strict=True)
)


def write_results(answer: Solutions | bool, media_types: Sequence[str]) -> tuple[str, bytes]:
    """Write SELECT solutions or an ASK boolean in the first acceptable results type.

    Raises:
        NotAcceptable: none of ``media_types`` is a results type.

    >>> write_results(True, ["text/csv"])
    ('text/csv', b'true')
    """
    for media in media_types:
        writer = _RESULT_WRITERS.get(media)
        if writer is not None:
            return media, writer(answer)
    raise NotAcceptable(
        f"SELECT/ASK results can be had as {', '.join(RESULTS_TYPES)};"
        " the request accepts none of them"
    )


def write_graph(triples: list[Triple], media_types: Sequence[str]) -> tuple[str, bytes]:
    """Write a CONSTRUCT/DESCRIBE graph in the first acceptable RDF type.

    Raises:
        NotAcceptable: none of ``media_types`` is a graph type.
    """
    for media in media_types:
        if media in GRAPH_TYPES:
            return media, serialize(triples, format=RdfFormat.from_media_type(media)) or b""
    raise NotAcceptable(
        f"CONSTRUCT/DESCRIBE results can be had as {', '.join(GRAPH_TYPES)};"
        " the request accepts none of them"
    )
