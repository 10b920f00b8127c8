"""Parse an untrusted case graph safely: no network, no file access, no entity expansion."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from oos_kg.errors import PayloadTooLarge, RdfSyntaxError, UnsupportedMediaType

__all__ = [
    "INPUT_FORMATS",
    "MAX_CASE_TRIPLES",
    "format_for_media_type",
    "format_for_path",
    "parse_case",
    "parse_untrusted",
]

INPUT_FORMATS: dict[str, tuple[str, ...]] = {
    "turtle": ("text/turtle", "application/x-turtle"),
    "ntriples": ("application/n-triples", "text/plain"),
    "rdfxml": ("application/rdf+xml",),
    "jsonld": ("application/ld+json", "application/json"),
}
"""Input format names (``--input-format``) and the media types that select them."""

_EXTENSIONS = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}

MAX_CASE_TRIPLES = 20_000
"""A case holds tens of triples; anything past this is refused before validation (413)."""

_RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "turtle", "rdfxml": "xml", "jsonld": "json-ld"}


def format_for_media_type(content_type: str | None) -> str:
    """Return the input format for a ``Content-Type`` header (parameters ignored).

    >>> format_for_media_type("text/turtle; charset=utf-8")
    'turtle'

    Raises:
        UnsupportedMediaType: for a missing or unknown media type.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    for name, media_types in INPUT_FORMATS.items():
        if media in media_types:
            return name
    accepted = ", ".join(m for types in INPUT_FORMATS.values() for m in types)
    raise UnsupportedMediaType(
        f"unsupported media type {media or '(none)'!r}; send one of: {accepted}"
    )


def format_for_path(path: Path) -> str:
    """Return the input format for a file name by its extension.

    >>> format_for_path(Path("case.jsonld"))
    'jsonld'

    Raises:
        UnsupportedMediaType: for an unknown extension.
    """
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_EXTENSIONS))
        raise UnsupportedMediaType(
            f"{path.name}: unknown extension; use one of {known} or --input-format"
        ) from None


def parse_case(data: bytes, input_format: str, *, source: str = "body") -> Graph:
    """Parse untrusted RDF into a fresh graph, refusing anything that could reach out.

    Turtle and N-Triples go through rdflib's Turtle parser (N-Triples is a subset), so a
    syntax error carries a line and column. JSON-LD with a ``@context`` or ``@import`` given
    by URL or path is refused before parsing (rdflib would fetch it); RDF/XML with a DOCTYPE
    or ENTITY declaration is refused before parsing (entity-expansion bombs). Deep nesting
    that exhausts the recursion limit becomes a syntax error, not a crash.

    Args:
        data: the bytes as received (must be UTF-8).
        input_format: one of :data:`INPUT_FORMATS`.
        source: the file name or ``body``, for messages.

    Returns:
        The case graph.

    Raises:
        UnsupportedMediaType: for an unknown ``input_format``.
        RdfSyntaxError: for bytes that are not UTF-8, refused constructs, or bad syntax.
        PayloadTooLarge: for a graph over :data:`MAX_CASE_TRIPLES` triples.
    """
    if input_format not in INPUT_FORMATS:
        raise UnsupportedMediaType(f"unknown input format {input_format!r}")
    text = _decoded(data, source)
    if input_format == "rdfxml":
        _refuse_xml_declarations(text, source)
    elif input_format == "jsonld":
        _refuse_remote_contexts(text, source)
    graph = Graph(bind_namespaces="none")
    try:
        graph.parse(data=data, format=_RDFLIB_FORMAT[input_format], publicID=_PUBLIC_ID)
    except BadSyntax as exc:
        raise _located(exc, source) from None
    except RecursionError:
        raise RdfSyntaxError("input nested too deeply", source=source) from None
    except RdfSyntaxError:
        raise
    except Exception as exc:  # rdflib raises many kinds (SAXParseException, ValueError, ...)
        raise RdfSyntaxError(_one_line(exc), source=source) from None
    if len(graph) > MAX_CASE_TRIPLES:
        raise PayloadTooLarge(f"{source}: {len(graph)} triples; a case may hold {MAX_CASE_TRIPLES}")
    return graph


_PUBLIC_ID = "urn:oos-kg:case:"
"""Base IRI for relative IRIs in a case; never dereferenced."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def _located(exc: BadSyntax, source: str) -> RdfSyntaxError:
    raw: bytes = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode()
    offset = max(0, min(int(exc._i), len(raw)))
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", "replace")) + 1
    return RdfSyntaxError(str(exc._why), source=source, line=line, column=column)


_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")


def _refuse_xml_declarations(text: str, source: str) -> None:
    declared = _XML_ENCODING.match(text.lstrip("\ufeff"))
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise RdfSyntaxError("RDF/XML must be UTF-8", source=source)
    upper = text.upper()
    for marker in ("<!DOCTYPE", "<!ENTITY"):
        if marker in upper:
            raise RdfSyntaxError(
                f"RDF/XML with {marker[1:]} declarations is refused (no DTDs or entities)",
                source=source,
            )


def _refuse_remote_contexts(text: str, source: str) -> None:
    try:
        document = json.loads(text)
    except RecursionError:
        raise RdfSyntaxError("JSON nested too deeply", source=source) from None
    except json.JSONDecodeError as exc:
        raise RdfSyntaxError(exc.msg, source=source, line=exc.lineno, column=exc.colno) from None
    if not isinstance(document, dict | list):
        raise RdfSyntaxError("a JSON-LD document is an object or an array", source=source)
    try:
        for key, value in _walk(document):
            if key in ("@context", "@import") and _names_a_resource(value):
                raise RdfSyntaxError(
                    f"JSON-LD {key} given by URL or path is refused; inline the context",
                    source=source,
                )
    except RecursionError:
        raise RdfSyntaxError("JSON nested too deeply", source=source) from None


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _names_a_resource(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return any(isinstance(item, str) for item in value)
    return False


def _decoded(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RdfSyntaxError(f"not UTF-8 (byte {exc.start})", source=source) from None
    if "\x00" in text:
        raise RdfSyntaxError("NUL characters are refused", source=source)
    return text


def _parse_turtle(data: bytes, source: str, fresh_blank_nodes: bool = False) -> list[ox.Quad]:
    """Parse Turtle or N-Triples with Oxigraph (no network; ill-typed literals kept as
    written), with the checks of :func:`parse_case`.

    Raises:
        RdfSyntaxError: bad UTF-8, NUL, or bad syntax (with line and column).
        PayloadTooLarge: over :data:`MAX_CASE_TRIPLES` triples.
    """
    _decoded(data, source)
    try:
        quads = list(
            ox.parse(
                data,
                format=ox.RdfFormat.TURTLE,
                base_iri=_PUBLIC_ID,
                rename_blank_nodes=fresh_blank_nodes,
            )
        )
    except SyntaxError as exc:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc.msg))
        raise RdfSyntaxError(message, source=source, line=exc.lineno, column=exc.offset) from None
    if len(quads) > MAX_CASE_TRIPLES:
        raise PayloadTooLarge(f"{source}: {len(quads)} triples; a case may hold {MAX_CASE_TRIPLES}")
    return quads


def parse_untrusted(
    data: bytes, input_format: str, *, source: str = "body", fresh_blank_nodes: bool = False
) -> Graph | list[ox.Quad]:
    """Parse a case for validation: Turtle and N-Triples with Oxigraph (quads, as the engine
    reads them), JSON-LD and RDF/XML with :func:`parse_case` (and its refusals).

    Raises:
        UnsupportedMediaType: for an unknown ``input_format``.
        RdfSyntaxError, PayloadTooLarge: bad input.
    """
    if input_format in ("turtle", "ntriples"):
        return _parse_turtle(data, source, fresh_blank_nodes)
    return parse_case(data, input_format, source=source)
