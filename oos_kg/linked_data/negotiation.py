"""Which representation of a resource a request asks for: ``?format=`` first, then ``Accept``.

A resource answers in four RDF formats and HTML. With no ``Accept`` header, or ``*/*`` alone,
the answer is Turtle (a crawler or ``curl``); a browser names ``text/html`` and gets the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from pyoxigraph import RdfFormat

from oos_kg.errors import NotAcceptable

__all__ = ["FORMATS", "HTML", "Format", "choose_format", "link_header", "quote_path"]


@dataclass(frozen=True, slots=True)
class Format:
    """One representation: its media type, its ``?format=`` name and pyoxigraph's writer."""

    media_type: str
    name: str
    rdf: RdfFormat | None

    @property
    def content_type(self) -> str:
        """The Content-Type header (UTF-8 named for the text formats)."""
        if self.media_type in ("text/turtle", "text/html", "application/n-triples"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


HTML = Format("text/html", "html", None)
FORMATS = (
    Format("text/turtle", "ttl", RdfFormat.TURTLE),
    Format("application/ld+json", "jsonld", RdfFormat.JSON_LD),
    Format("application/n-triples", "nt", RdfFormat.N_TRIPLES),
    Format("application/rdf+xml", "rdf", RdfFormat.RDF_XML),
    HTML,
)
"""Every representation, in the order that breaks a tie between equally acceptable ones."""

_BY_NAME = {f.name: f for f in FORMATS}


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (field.strip().lower() for field in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching ``media`` (0 when none does)."""
    best = (-1, 0.0)
    for pattern, q in ranges:
        if pattern == media:
            specificity = 2
        elif pattern == media.split("/")[0] + "/*":
            specificity = 1
        elif pattern == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


@lru_cache(maxsize=256)
def _from_accept(accept: str) -> Format:
    ranges = _ranges(accept) or [("*/*", 1.0)]
    scored = [(-_quality(f.media_type, ranges), order, f) for order, f in enumerate(FORMATS)]
    q, _, best = min(scored, key=lambda item: item[:2])
    if q >= 0:
        raise NotAcceptable(
            f"none of the formats fits Accept: {accept!r}; a resource answers in "
            + ", ".join(f.media_type for f in FORMATS)
        )
    return best


def choose_format(format_name: str | None, accept: str | None) -> Format:
    """Return the representation to answer with.

    Args:
        format_name: the ``?format=`` value (``ttl``, ``jsonld``, ``nt``, ``rdf``, ``html``),
            which wins over the header.
        accept: the ``Accept`` header.

    Returns:
        The chosen format.

    Raises:
        NotAcceptable: the header admits none of the formats, or ``format_name`` is none of
            their names.

    >>> choose_format(None, "text/html,application/xhtml+xml,*/*;q=0.8").name
    'html'
    >>> choose_format(None, None).name
    'ttl'
    >>> choose_format("jsonld", "text/html").name
    'jsonld'
    """
    if format_name is not None:
        try:
            return _BY_NAME[format_name]
        except KeyError:
            raise NotAcceptable(
                f"unknown format {format_name[:40]!r}; use one of {', '.join(_BY_NAME)}"
            ) from None
    return _from_accept(accept or "*/*")


def quote_path(path: str) -> str:
    """Percent-encode what may not stand in a URL (a header, a Turtle comment) as it is.

    >>> quote_path("/id/a b\x1f")
    '/id/a%20b%1F'
    """
    return quote(path, safe="/-._~!$&'()*+,;=:@")


def link_header(path: str, chosen: Format) -> str:
    """Return a ``Link`` header naming the other representations of the resource at ``path``.

    >>> link_header("/id/x", FORMATS[0]).split(", ")[0]
    '</id/x?format=jsonld>; rel="alternate"; type="application/ld+json"'
    """
    quoted = quote_path(path)
    return ", ".join(
        f'<{quoted}?format={f.name}>; rel="alternate"; type="{f.media_type}"'
        for f in FORMATS
        if f is not chosen
    )
