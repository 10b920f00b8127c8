"""Load the SPARQL files of ``queries/`` and bind values into them safely.

A query file is plain SPARQL that parses on its own: each parameter is an empty
``VALUES ?name { }`` block, which :func:`bind` fills with terms serialised by pyoxigraph
(N-Triples syntax, so IRIs are validated and literals escaped). ``None`` binds ``UNDEF``,
which the queries read as "no filter". User text never reaches a query any other way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode

from oos_kg.errors import QueryError

__all__ = ["QUERY_DIR", "Term", "bind", "iri", "load_query", "query_names"]

QUERY_DIR = Path(__file__).resolve().parent / "queries"
"""Folder holding one ``<name>.rq`` file per query."""

Term = NamedNode | Literal | BlankNode

_PLACEHOLDER = re.compile(r"VALUES\s+\?([A-Za-z_][A-Za-z0-9_]*)\s*\{\s*\}")
_NAME = re.compile(r"[a-z][a-z0-9_-]*")


@cache
def load_query(name: str) -> str:
    """Return the text of ``queries/<name>.rq``.

    >>> load_query("products").startswith("#")
    True

    Raises:
        FileNotFoundError: when no such file exists (a programming error).
        ValueError: when the name is not a plain file name.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a query name: {name!r}")
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    if not text.startswith("#"):
        raise ValueError(f"{name}.rq must open with a '#' comment saying what it asks")
    return text


def query_names() -> list[str]:
    """Return the names of every query file, sorted."""
    return sorted(path.stem for path in QUERY_DIR.glob("*.rq"))


def bind(query: str, values: Mapping[str, Term | Iterable[Term] | None]) -> str:
    """Fill each ``VALUES ?name { }`` block of ``query`` with the given terms, in one pass.

    A single term or ``None`` gives one row (``None`` gives ``UNDEF``); an iterable gives one
    row per term (an empty iterable keeps the block empty: no solutions). Text inside a bound
    literal is never scanned again, so it cannot open a placeholder of its own.

    >>> bind("SELECT * { VALUES ?s { } }", {"s": [NamedNode("https://e.org/a")]})
    'SELECT * { VALUES ?s { <https://e.org/a> } }'
    >>> bind("SELECT * { VALUES ?t { } }", {"t": Literal('say "hi"')})
    'SELECT * { VALUES ?t { "say \\\\"hi\\\\"" } }'
    >>> bind("SELECT * { VALUES ?t { } }", {"t": None})
    'SELECT * { VALUES ?t { UNDEF } }'

    Raises:
        ValueError: when a given name has no placeholder or has several (a programming error).
    """
    rendered: dict[str, str] = {}
    for name, given in values.items():
        if given is None:
            rendered[name] = "UNDEF"
        elif isinstance(given, NamedNode | Literal | BlankNode):
            rendered[name] = str(given)
        else:
            rendered[name] = " ".join(str(term) for term in given)
    seen: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in rendered:
            return match.group(0)
        seen.append(name)
        return f"VALUES ?{name} {{ {rendered[name]} }}"

    result = _PLACEHOLDER.sub(fill, query)
    if sorted(seen) != sorted(rendered):
        raise ValueError(f"placeholders bound {sorted(seen)}, expected each of {sorted(rendered)}")
    return result


def iri(text: str) -> NamedNode:
    """Return ``text`` as an IRI term, refusing anything that is not a valid absolute IRI.

    Raises:
        QueryError: when ``text`` is not an IRI.
    """
    try:
        return NamedNode(text)
    except ValueError as error:
        raise QueryError(f"not a valid IRI: {text!r} ({error})") from None
