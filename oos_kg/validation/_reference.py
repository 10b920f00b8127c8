"""pyshacl, the reference engine, on an rdflib graph (differential tests, the benchmark's
anchor); imported only by a validator built with ``engine="pyshacl"``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pyshacl
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node

__all__ = ["validate_with_pyshacl"]


@lru_cache(maxsize=256)
def _prepared(query: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(query, initNs=dict(namespaces))


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once (pyshacl re-sends the same constraint texts),
    so that the benchmark's anchor stays what it was."""

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql":
            spaces = tuple(sorted((k, str(v)) for k, v in (initNs or {}).items()))
            query_object = _prepared(query_object, spaces)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def validate_with_pyshacl(data: Iterable[tuple[Node, Node, Node]], shapes: Graph) -> Graph:
    """Validate the triples ``data`` (the case, the facts and the as-of triple) against
    ``shapes`` with pyshacl, safely: no inference, no SHACL-AF, no JS, no owl:imports.

    Returns:
        The SHACL validation report graph.

    Raises:
        RuntimeError: when pyshacl returns no report graph.
    """
    prepared = _PreparedQueryGraph(bind_namespaces="none")
    for triple in data:
        prepared.add(triple)
    conforms, report, text = pyshacl.validate(
        prepared,
        shacl_graph=shapes,
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
        js=False,
        debug=False,
        do_owl_imports=False,
        inplace=True,
    )
    if not isinstance(report, Graph):
        raise RuntimeError(f"pyshacl failed: {text}")
    return report
