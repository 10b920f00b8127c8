"""The few rewrites of an untrusted query text some engines need before they answer it as the
SPARQL 1.1 Protocol says (docs/deploy.md lists why, engine by engine)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

__all__ = ["drop_dataset_clauses", "merge_leading_bases", "query_form"]

_PROLOGUE = re.compile(
    r"""(?:\s+|\#[^\n]*\n?|(?i:BASE)\s*<[^>]*>|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>)*"""
    r"(?P<form>[A-Za-z]+)"
)
_GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})
_RESULT_FORMS = frozenset({"SELECT", "ASK"})


def query_form(text: str) -> str:
    r"""Return ``"graph"`` for a CONSTRUCT or DESCRIBE, else ``"results"``: the word after the
    prologue. Engines such as Virtuoso answer any form in any format they are asked for, so
    the form decides what to ask for, not the answer's media type.

    >>> query_form("PREFIX ex: <http://e.org/#x>  # a comment\nCONSTRUCT WHERE { ?s ?p ?o }")
    'graph'
    >>> query_form("BASE <http://e/> select * {}")
    'results'
    >>> query_form("CLEAR ALL")
    'other'
    """
    match = _PROLOGUE.match(text)
    form = match["form"].upper() if match is not None else ""
    if form in _GRAPH_FORMS:
        return "graph"
    return "results" if form in _RESULT_FORMS else "other"


_DATASET_CLAUSE = re.compile(
    r"(?P<keep>'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|<[^<>\"{}|^`\\\s]*>|\#[^\n]*)"
    r"|(?i:\bFROM\b\s+(?:NAMED\s+)?(?:<[^>]*>|[^\s{]*))"
)


def drop_dataset_clauses(text: str) -> str:
    """Remove a query's FROM and FROM NAMED clauses (strings, IRIs and comments are kept as
    they are), for an engine that would otherwise add them to the protocol's dataset.

    >>> drop_dataset_clauses('SELECT * FROM <urn:g> FROM NAMED ex:n { ?s ?p "FROM <x>" }')
    'SELECT *   { ?s ?p "FROM <x>" }'
    """
    return _DATASET_CLAUSE.sub(lambda m: m["keep"] or "", text)


_LEADING_BASES = re.compile(r"\A\s*(?:(?i:BASE)\s*<([^>]*)>\s*){2,}")
_ONE_BASE = re.compile(r"(?i:BASE)\s*<([^>]*)>")


def merge_leading_bases(text: str) -> str:
    """Write two or more BASE declarations at the start of a query as one, resolved in turn
    (Virtuoso refuses a second BASE, which the endpoint adds to a query with relative IRIs).

    >>> merge_leading_bases("BASE <http://e.org/sparql>\\nBASE <a/> ASK {}")
    'BASE <http://e.org/a/>ASK {}'
    >>> merge_leading_bases("BASE <http://e.org/> ASK {}")
    'BASE <http://e.org/> ASK {}'
    """
    match = _LEADING_BASES.match(text)
    if match is None:
        return text
    base = ""
    for iri in _ONE_BASE.findall(match.group(0)):
        base = urljoin(base, iri) if base else iri
    return f"BASE <{base}>{text[match.end() :]}"
