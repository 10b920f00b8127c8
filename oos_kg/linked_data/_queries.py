"""The package's SPARQL files, read once, and the filling of their ``VALUES ?name { }`` blocks."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from pyoxigraph import NamedNode

from oos_kg.namespaces import GRAPH, GRAPH_NAMES

__all__ = ["KG_GRAPHS", "bind", "load_query"]

_DIR = Path(__file__).resolve().parent / "queries"
_PLACEHOLDER = re.compile(r"VALUES\s+\?([A-Za-z_][A-Za-z0-9_]*)\s*\{\s*\}")

KG_GRAPHS = tuple(NamedNode(str(GRAPH[name])) for name in GRAPH_NAMES)
"""The knowledge graph's own named graphs: what is described and exported (never a case's)."""


@functools.cache
def load_query(name: str) -> str:
    """Return the text of ``queries/<name>.rq``.

    Raises:
        FileNotFoundError: no such query file (a programming error).
    """
    return (_DIR / f"{name}.rq").read_text(encoding="utf-8")


def bind(query: str, values: Mapping[str, Sequence[NamedNode]]) -> str:
    """Fill every ``VALUES ?name { }`` block whose name ``values`` holds with those IRIs.

    ``NamedNode`` has checked each IRI, so its ``<...>`` form is safe to put in a query.

    >>> bind("SELECT * { VALUES ?s { } }", {"s": [NamedNode("https://e.org/a")]})
    'SELECT * { VALUES ?s { <https://e.org/a> } }'

    Raises:
        KeyError: the query has a placeholder ``values`` does not fill.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"VALUES ?{name} {{ {' '.join(str(n) for n in values[name])} }}"

    return _PLACEHOLDER.sub(fill, query)
