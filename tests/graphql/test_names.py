"""The name indexes (graphql_api/_names.py): a lookup in one answers what the exact-name query
(queries/*-by-exact-name.rq) answers, for every name of the graph in any case, in English,
Japanese and letters whose lowercase is not plain ASCII; the index follows the data, and a
store that cannot name its versions gets none."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from graphql_api import _names
from graphql_api._names import NAME_QUERIES, lookup
from graphql_api._records import StoreRunner
from graphql_api._sparql import bind, load_query, placeholders
from graphql_api._versioned import VersionedValues
from oos_kg.namespaces import OOS, OOSD
from oos_kg.store.memory import MemoryStore
from oos_kg.store.remote import RemoteStore
from tests.graphql.conftest import (
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT,
    CountingStore,
    data_node,
    ontology_term,
)

PRODUCTS_GRAPH = NamedNode("https://w3id.org/oos-kg/graph/products")


def _exact_text(query: str, name: str) -> str:
    """The exact-name query for ``name``, as ``product(name:)`` runs it without an index."""
    return bind(load_query(query), dict.fromkeys(placeholders(load_query(query)), Literal(name)))


def _exact(store: Any, query: str, name: str) -> list[str]:
    """The IRIs the exact-name query answers for ``name``, in its order."""
    return [row["s"].value for row in store.select(_exact_text(query, name))]


def _indexed(store: Any, query: str, name: str) -> Any:
    return asyncio.run(lookup(StoreRunner(store, 10.0), query, name))


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexes of the test's own: none built before it."""
    monkeypatch.setattr(_names, "DERIVED", VersionedValues())


def _unicode_graph() -> Store:
    """Products and substances named with letters whose lowercase is not theirs in ASCII."""
    store = Store()
    node, term = data_node, ontology_term

    triples = [
        (node("product-kelvin"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-kelvin"), term("brandName"), Literal("\u212aelvin")),  # Kelvin sign
        (node("product-istanbul"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-istanbul"), RDFS_LABEL, Literal("\u0130stanbul", language="tr")),
        (node("product-odos"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-odos"), SKOS_ALT, Literal("\u039f\u0394\u039f\u03a3")),  # final sigma
        (node("product-strasse"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-strasse"), term("commonName"), Literal("STRA\u1e9eE")),
        (node("product-strasse"), term("activeSubstance"), node("substance-ss")),
        (node("substance-ss"), RDF_TYPE, term("ActiveSubstance")),
        (node("substance-ss"), RDFS_LABEL, Literal("\u00c9L\u00c9MENT", language="fr")),
        (node("substance-ss"), SKOS_ALT, Literal("ＡＢＣ細胞")),  # full-width letters
        # the same name on two products, in two cases: both are equal matches
        (node("product-twin"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-twin"), term("brandName"), Literal("kelvin")),
    ]
    store.extend([Quad(s, p, o, PRODUCTS_GRAPH) for s, p, o in triples])
    return store


def _variants(names: set[str]) -> set[str]:
    tried = {"no such name", "", " ", "ｋｅｌｖｉｎ"}
    for name in names:
        middle = len(name) // 2
        tried |= {name, name.upper(), name.lower(), name.casefold(), name[:3], name[middle:]}
        tried |= {name.swapcase(), name.title()}
    return tried


def _names_of(store: Any) -> set[str]:
    """Every short literal of the products graph (names and more)."""
    rows = store.select(
        f"SELECT DISTINCT ?o WHERE {{ GRAPH <{PRODUCTS_GRAPH.value}> {{ ?s ?p ?o }}"
        " FILTER(isLITERAL(?o) && STRLEN(STR(?o)) < 40) }"
    )
    return {row["o"].value for row in rows}


@pytest.mark.parametrize("query", sorted(NAME_QUERIES))
def test_a_lookup_in_the_index_answers_as_the_exact_name_query(served: Any, query: str) -> None:
    unicode = CountingStore(_unicode_graph())
    unicode.version = "unicode graph"
    found = []
    for store in (served, unicode):
        names = _variants(_names_of(store))
        found.append(0)
        for name in sorted(names):
            want = _exact(store, query, name)
            assert _indexed(store, query, name) == want, name
            found[-1] += bool(want)
    assert found[0] > 10 and found[1] > 1  # names were found, not only missed


def test_names_not_in_ascii_are_lowercased_by_the_store() -> None:
    store = CountingStore(_unicode_graph())
    store.version = "v1"
    query = "product-by-exact-name"
    assert _indexed(store, query, "KELVIN") == [
        str(OOSD["product-kelvin"]),
        str(OOSD["product-twin"]),
    ]
    store.calls.clear()
    assert _indexed(store, query, "\u212aELVIN") == _exact(store, query, "\u212aELVIN")
    assert ["lowercase" in call for call in store.calls[:1]] == [True]
    store.calls.clear()
    assert _indexed(store, query, "kelvin") == _exact(store, query, "kelvin")
    assert len(store.calls) == 1  # the exact query above only: the index answered alone


@pytest.mark.usefixtures("fresh")
def test_the_index_is_built_once_for_each_version_of_the_data() -> None:
    product, brand = f"<{OOSD['product-a']}>", f"<{OOS['brandName']}>"
    graph = f"GRAPH <{PRODUCTS_GRAPH.value}>"
    typed = f"{product} <{RDF_TYPE.value}> <{OOS['RegenerativeMedicineProduct']}> .\n"
    store = MemoryStore()
    store.replace_graphs({PRODUCTS_GRAPH.value: (typed + f'{product} {brand} "Alpha" .').encode()})
    calls: list[str] = []

    class Watched:
        selects_in_process = True

        def select(self, text: str, **kwargs: Any) -> Any:
            calls.append(text)
            return store.select(text, **kwargs)

        def data_version(self) -> str | None:
            return store.data_version()

    watched = Watched()
    query = "product-by-exact-name"
    assert _indexed(watched, query, "ALPHA") == [str(OOSD["product-a"])]
    assert _indexed(watched, query, "beta") == []
    assert len(calls) == 1  # one listing for both lookups
    store.update(
        f'DELETE DATA {{ {graph} {{ {product} {brand} "Alpha" }} }};'
        f'INSERT DATA {{ {graph} {{ {product} {brand} "Beta" }} }}'
    )
    assert _indexed(watched, query, "alpha") == []
    assert _indexed(watched, query, "BETA") == [str(OOSD["product-a"])]
    assert len(calls) == 2  # the new version was listed once


def test_without_a_name_for_the_data_every_lookup_runs_the_query(run: Any) -> None:
    store = CountingStore(_unicode_graph())  # version None: the store cannot tell
    assert _indexed(store, "product-by-exact-name", "kelvin") is None
    for _ in range(2):
        store.calls.clear()
        result = run(store, '{ product(name: "\u212aelvin") { id } }')
        assert result.errors and "ambiguous" in result.errors[0].message
        assert _exact_text("product-by-exact-name", "\u212aelvin") in store.calls
    remote = RemoteStore("http://127.0.0.1:9/sparql")
    assert remote.data_version() is None


@pytest.mark.usefixtures("fresh")
def test_a_version_with_too_many_names_is_not_indexed(
    served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_names, "MAX_NAMES", 3)
    assert _indexed(served, "product-by-exact-name", "kymriah") is None
    monkeypatch.setattr(_names, "MAX_NAMES", 1_000)
    monkeypatch.setattr(_names, "DERIVED", VersionedValues())
    assert _indexed(served, "product-by-exact-name", "kymriah") == [str(OOSD["product-kymriah"])]
