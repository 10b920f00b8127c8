"""Content negotiation for the SPARQL query operation (the table of issue 3).

SELECT and ASK results go out as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE graphs as
Turtle, N-Triples, JSON-LD or RDF/XML. The first entry of each table is the default.
"""

from __future__ import annotations

from functools import lru_cache

from oos_kg.errors import NotAcceptable

__all__ = [
    "ALIASES",
    "GRAPH_TYPES",
    "HTML",
    "RESULTS_TYPES",
    "acceptable_types",
    "content_type",
    "prefers_html",
]

RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
"""Media types for SELECT and ASK, default first."""

GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
"""Media types for CONSTRUCT and DESCRIBE, default first."""

ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
"""Common generic types clients send, answered with the SPARQL-specific type they stand for."""

HTML = "text/html"

_TEXT_TYPES = frozenset({"text/csv", "text/tab-separated-values", "text/turtle"})


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """Parse an Accept header into (media range, q, position) triples."""
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(accept.split(",")):
        fields = part.split(";")
        media = fields[0].strip().lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def _match(media: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int] | None:
    """Return (q, position) of the most specific range matching ``media``."""
    kind = media.split("/")[0]
    best: tuple[int, float, int] | None = None
    for pattern, q, position in ranges:
        if pattern == media:
            specificity = 2
        elif pattern == f"{kind}/*":
            specificity = 1
        elif pattern == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, q, position)
    return None if best is None else (best[1], best[2])


@lru_cache(maxsize=256)
def acceptable_types(accept: str | None) -> tuple[str, ...]:
    """Return every result media type ``accept`` admits, best first.

    Order: the client's q value, then the position in its header, then our default order.
    Aliases (``application/json``) are returned as the type they stand for.

    Args:
        accept: the Accept header, or None (anything goes).

    Returns:
        The admitted types from :data:`RESULTS_TYPES` and :data:`GRAPH_TYPES`.

    Raises:
        NotAcceptable: when the header admits none of them.

    >>> acceptable_types("text/csv")
    ('text/csv',)
    >>> acceptable_types("application/json")[0]
    'application/sparql-results+json'
    """
    ranges = _ranges(accept or "*/*") or _ranges("*/*")
    scored: list[tuple[float, int, int, str]] = []
    ours = RESULTS_TYPES + GRAPH_TYPES
    for order, media in enumerate(ours):
        found = _match(media, ranges)
        if found and found[0] > 0:
            scored.append((-found[0], found[1], order, media))
    for pattern, q, position in ranges:
        if pattern in ALIASES and q > 0:
            scored.append((-q, position, ours.index(ALIASES[pattern]), ALIASES[pattern]))
    scored.sort()
    result: list[str] = []
    for *_, media in scored:
        if media not in result:
            result.append(media)
    if not result:
        raise NotAcceptable(
            f"none of the offered formats fits Accept: {accept!r}; SELECT/ASK: "
            + ", ".join(RESULTS_TYPES)
            + "; CONSTRUCT/DESCRIBE: "
            + ", ".join(GRAPH_TYPES)
        )
    return tuple(result)


def prefers_html(accept: str | None) -> bool:
    """Whether a request prefers an HTML page (a browser) to the service description.

    >>> prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
    True
    >>> prefers_html("text/turtle")
    False
    """
    if not accept:
        return False
    ranges = _ranges(accept)
    html = _match(HTML, [r for r in ranges if r[0] != "*/*"])
    if html is None or html[0] <= 0:
        return False
    turtle = _match("text/turtle", [r for r in ranges if r[0] not in ("*/*", "text/*")])
    return turtle is None or html[0] > turtle[0]


def content_type(media: str) -> str:
    """Return the Content-Type header for a result media type (charset for text types).

    >>> content_type("text/csv")
    'text/csv; charset=utf-8'
    """
    return f"{media}; charset=utf-8" if media in _TEXT_TYPES else media
