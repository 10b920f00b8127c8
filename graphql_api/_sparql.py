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

__all__ = [
    "QUERY_DIR",
    "Bound",
    "Term",
    "bind",
    "bind_rows",
    "iri",
    "load_query",
    "placeholders",
    "query_names",
    "record_query",
    "specialise",
    "union_of",
]

QUERY_DIR = Path(__file__).resolve().parent / "queries"
"""Folder holding one ``<name>.rq`` file per query."""

Term = NamedNode | Literal | BlankNode
Bound = Term | Iterable[Term] | None
"""What :func:`bind` takes for one placeholder: a term, several, or ``None`` (``UNDEF``)."""

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


_KEY_VALUES = re.compile(r"VALUES\s+\?key\s*\{\s*\}")
_BRANCH_KEY = re.compile(r'BIND\("(?P<key>[A-Za-z]+)"\s+AS\s+\?key\)\s*$')


def _groups(text: str, start: int) -> tuple[list[str], int]:
    """Return the bodies of the ``{ ... } UNION { ... }`` chain at ``start`` and where it ends.

    Braces inside quoted literals and comments (a ``#`` after white space) do not count.

    Raises:
        ValueError: when no group opens at ``start`` or one never closes.
    """
    bodies: list[str] = []
    pos = start
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text) or text[pos] != "{":
            if not bodies:
                raise ValueError("no UNION chain of groups after VALUES ?key { }")
            return bodies, pos
        depth, quote, i = 0, "", pos
        while i < len(text):
            char = text[i]
            if quote:
                if char == "\\":
                    i += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "#" and (i == 0 or text[i - 1].isspace()):  # not inside an IRI
                i = text.find("\n", i)
                i = len(text) if i < 0 else i
                continue
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if depth:
            raise ValueError("a group of the UNION chain never closes")
        bodies.append(text[pos + 1 : i])
        pos = i + 1
        rest = text[pos:].lstrip()
        if not rest.startswith("UNION"):
            return bodies, pos
        pos = len(text) - len(rest) + len("UNION")


_WHEN = re.compile(r"#\s*when\s+\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*$")


@cache
def specialise(name: str, wanted: frozenset[str]) -> str:
    """Return ``queries/<name>.rq`` without the lines that only serve names not in ``wanted``.

    A line ending in a ``# when ?x`` comment is kept only when ``x`` is in ``wanted``: a
    filter the request does not use, or a column it does not select, then costs nothing (an
    ``UNDEF`` filter would still be evaluated on every row). The file as written, every line
    kept, is the query with every filter and column.

    >>> print(specialise("search", frozenset({"text"})).count("?kind"))
    0

    Raises:
        FileNotFoundError, ValueError: as :func:`load_query`.
    """
    lines = []
    for line in load_query(name).splitlines():
        found = _WHEN.search(line)
        if found is None:
            lines.append(line)
        elif found["name"] in wanted:
            lines.append(line[: found.start()].rstrip())
    return "\n".join(lines) + "\n"


@cache
def _record_parts(
    name: str, wanted: frozenset[str] = frozenset()
) -> tuple[str, tuple[tuple[str, str], ...], str]:
    """Split the type query ``name`` (specialised to ``wanted``) into its head, its
    ``(key, branch)`` pairs and its tail.

    Raises:
        ValueError: when the file is not a type query (no ``VALUES ?key { }`` followed by a
            UNION chain whose every branch ends with ``BIND("key" AS ?key)``).
    """
    text = specialise(name, wanted)
    marker = _KEY_VALUES.search(text)
    if marker is None:
        raise ValueError(f"{name}.rq has no VALUES ?key {{ }} block: not a type query")
    bodies, end = _groups(text, marker.end())
    branches = []
    for body in bodies:
        found = _BRANCH_KEY.search(body.rstrip())
        if found is None:
            raise ValueError(f'{name}.rq: a branch does not end with BIND("key" AS ?key)')
        branches.append((found["key"], body))
    return text[: marker.start()], tuple(branches), text[end:]


@cache
def record_query(
    name: str, keys: frozenset[str] | None = None, wanted: frozenset[str] = frozenset()
) -> str:
    """Return the type query ``name`` with only the UNION branches that answer ``keys``.

    A type query (``queries/<type>.rq``) answers ``(?s ?key ?value)`` rows from one branch per
    key; evaluating every branch and filtering the keys afterwards costs as much as fetching
    them all, so the branches of keys nobody asked for are left out of the text instead. The
    result keeps the ``VALUES ?s { }`` placeholder for :func:`bind`. ``None`` keeps them all.
    Lines tagged ``# when ?x`` (filters on ``?s``) stay for the names in ``wanted``, as
    :func:`specialise` says.

    >>> "oos:brandName" in record_query("product", frozenset({"type", "label"}))
    False
    >>> "rdfs:label" in record_query("product", frozenset({"type", "label"}))
    True

    Raises:
        ValueError: when ``name`` is not a type query (a programming error).
    """
    head, branches, tail = _record_parts(name, wanted)
    chosen = [body for key, body in branches if keys is None or key in keys]
    if not chosen:
        chosen = [" FILTER(false) "]
    union = " UNION ".join("{" + body + "}" for body in chosen)
    return f"{head}{union}{tail}"


@cache
def placeholders(query: str) -> frozenset[str]:
    """Return the names of the empty ``VALUES ?name { }`` blocks of ``query``.

    >>> sorted(placeholders("SELECT * { VALUES ?a { } VALUES ?b { } }"))
    ['a', 'b']
    """
    return frozenset(_PLACEHOLDER.findall(query))


def query_names() -> list[str]:
    """Return the names of every query file, sorted."""
    return sorted(path.stem for path in QUERY_DIR.glob("*.rq"))


def bind(query: str, values: Mapping[str, Bound]) -> str:
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


_ROWS_PLACEHOLDER = r"VALUES\s+\(\s*{names}\s*\)\s*\{{\s*\}}"


def bind_rows(query: str, names: tuple[str, ...], rows: Iterable[tuple[Term | None, ...]]) -> str:
    """Fill the one ``VALUES (?a ?b ...) { }`` block of ``query`` over ``names`` with ``rows``,
    serialised as :func:`bind` serialises terms (``None`` gives ``UNDEF``).

    Several variables bound row by row let the store start from the rows: a role and two
    codes as two one-variable blocks make it start from the role's every obligation instead.

    >>> a, b = NamedNode("https://e.org/a"), Literal("x")
    >>> bind_rows("SELECT * { VALUES (?s ?t) { } }", ("s", "t"), [(a, b), (a, None)])
    'SELECT * { VALUES (?s ?t) { (<https://e.org/a> "x") (<https://e.org/a> UNDEF) } }'

    Raises:
        ValueError: when ``query`` has no such block or several, or a row has another width
            (a programming error).
    """
    pattern = re.compile(
        _ROWS_PLACEHOLDER.format(names=r"\s+".join(rf"\?{re.escape(n)}" for n in names))
    )
    rendered = []
    for row in rows:
        if len(row) != len(names):
            raise ValueError(f"a row of {len(row)} terms for {len(names)} variables")
        rendered.append("(" + " ".join("UNDEF" if t is None else str(t) for t in row) + ")")
    found = pattern.findall(query)
    if len(found) != 1:
        raise ValueError(f"expected one VALUES block over {names}, found {len(found)}")
    head = " ".join(f"?{n}" for n in names)
    return pattern.sub(lambda _: f"VALUES ({head}) {{ {' '.join(rendered)} }}", query)


def iri(text: str) -> NamedNode:
    """Return ``text`` as an IRI term, refusing anything that is not a valid absolute IRI.

    Raises:
        QueryError: when ``text`` is not an IRI.
    """
    try:
        return NamedNode(text)
    except ValueError as error:
        raise QueryError(f"not a valid IRI: {text!r} ({error})") from None


_SELECT = re.compile(r"^SELECT\b", re.MULTILINE)
_ORDER_BY = re.compile(r"^ORDER BY\b[^\n]*\s*\Z", re.MULTILINE)


def union_of(texts: list[str], tag: str) -> str:
    """Return one query answering every query of ``texts`` (bound texts of one file), each
    solution tagged with the index of its query in ``?<tag>``.

    The texts share their prologue (one file, specialised and bound differently); each body
    becomes a sub-select of a ``UNION``. A final ``ORDER BY`` line moves out, after ``?<tag>``,
    so each query's solutions keep their order (a sub-select's order does not survive the
    ``UNION``); the variables it sorts on must be projected by the body.

    >>> text = "PREFIX a: <x:>" + chr(10) + "SELECT ?s WHERE { ?s a: ?o }" + chr(10) + "ORDER BY ?s"
    >>> q = union_of([text, text], "i")
    >>> q.count("SELECT ?s"), q.count("ORDER BY"), q.rstrip().endswith("ORDER BY ?i ?s")
    (2, 1, True)

    Raises:
        ValueError: when a text has no ``SELECT`` line or the texts' prologues differ (a
            programming error).
    """
    prologue = ""
    parts: list[str] = []
    order = ""
    for index, text in enumerate(texts):
        found = _SELECT.search(text)
        if found is None:
            raise ValueError("not a SELECT query")
        head, body = text[: found.start()], text[found.start() :]
        if index == 0:
            prologue = head
        elif head != prologue:
            raise ValueError("the queries of a union must share their prologue")
        ordered = _ORDER_BY.search(body)
        if ordered is not None:
            order = ordered.group(0).strip()[len("ORDER BY") :].strip()
            body = body[: ordered.start()]
        parts.append(f"{{ {{ {body.strip()} }} BIND({index} AS ?{tag}) }}")
    union = "\nUNION\n".join(parts)
    return f"{prologue}SELECT * WHERE {{\n{union}\n}}\nORDER BY ?{tag} {order}".rstrip() + "\n"
