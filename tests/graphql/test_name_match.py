"""``product(name:)`` and ``substance(name:)``: an equal name (any case) beats one that starts
with the given text, which beats one containing it, in English and Japanese. The names equal in
any case are looked for first (queries/*-by-exact-name.rq) and the ranking runs only when there
are none: the answers must be those of the ranking alone, written here as it was first written.
"""

from __future__ import annotations

from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from graphql_api.sparql import bind
from oos_kg.namespaces import OOSD
from tests.graphql.conftest import (
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT,
    CountingStore,
    data_node,
    ontology_term,
)

PREFIXES = """PREFIX oos: <https://w3id.org/oos-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
RANKING = """
SELECT ?s (MIN(?how) AS ?rank) WHERE {
    VALUES ?name { }
    ?s a %s .
    %s
    BIND(LCASE(STR(?label)) AS ?l)
    BIND(LCASE(?name) AS ?n)
    BIND(IF(?l = ?n, 0, IF(STRSTARTS(?l, ?n), 1, IF(CONTAINS(?l, ?n), 2, 3))) AS ?how)
    FILTER(?how < 3)
}
GROUP BY ?s
ORDER BY ?rank ?s
"""
REFERENCE = {
    "product": PREFIXES
    + RANKING
    % (
        "oos:RegenerativeMedicineProduct",
        """{ ?s oos:brandName ?label } UNION { ?s oos:commonName ?label }
        UNION { ?s rdfs:label ?label } UNION { ?s skos:altLabel ?label }
        UNION { ?s oos:activeSubstance ?substance . ?substance rdfs:label ?label }""",
    ),
    "substance": PREFIXES
    + RANKING
    % ("oos:ActiveSubstance", "{ ?s rdfs:label ?label } UNION { ?s skos:altLabel ?label }"),
}
"""The ranking as one query: the meaning the lookups keep."""


def expected(store: Any, kind: str, name: str) -> str | None:
    """The id the reference ranking picks, ``None`` for none, ``"ambiguous"`` for a tie."""
    rows = store.select(bind(REFERENCE[kind], {"name": Literal(name)}))
    if not rows:
        return None
    tied = [row["s"].value for row in rows if row["rank"].value == rows[0]["rank"].value]
    return tied[0] if len(tied) == 1 else "ambiguous"


def looked_up(store: Any, run: Any, kind: str, name: str) -> str | None:
    """The id ``product(name:)`` or ``substance(name:)`` answers (``"ambiguous"`` for a tie).

    Raises:
        AssertionError: on any other error.
    """
    result = run(store, f"query($n: String!) {{ {kind}(name: $n) {{ id }} }}", {"n": name})
    if result.errors:
        message = result.errors[0].message
        assert "ambiguous" in message, message
        return "ambiguous"
    found = result.data[kind]
    return None if found is None else str(found["id"])


def _japanese_graph() -> Store:
    """Four products and two substances named in English and Japanese (made up, for ranking)."""
    store = Store()
    graph = NamedNode("https://w3id.org/oos-kg/graph/products")
    node, term = data_node, ontology_term

    triples = [
        (node("product-alpha"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-alpha"), term("brandName"), Literal("Alpha")),
        (node("product-alpha"), RDFS_LABEL, Literal("Alpha product", language="en")),
        (node("product-alpha"), RDFS_LABEL, Literal("アルファ", language="ja")),
        (node("product-alpha"), term("activeSubstance"), node("substance-one")),
        (node("product-alphabet"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-alphabet"), term("brandName"), Literal("Alphabet")),
        (node("product-alphabet"), RDFS_LABEL, Literal("アルファベット", language="ja")),
        (node("product-alphabet"), term("activeSubstance"), node("substance-two")),
        (node("product-kit"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-kit"), term("commonName"), Literal("The Alpha Kit", language="en")),
        (node("product-kit"), SKOS_ALT, Literal("ALPHA-KIT")),
        (node("product-kit"), SKOS_ALT, Literal("再生キット", language="ja")),
        (node("substance-one"), RDF_TYPE, term("ActiveSubstance")),
        (node("substance-one"), RDFS_LABEL, Literal("Onecel", language="en")),
        (node("substance-one"), RDFS_LABEL, Literal("ワンセル", language="ja")),
        (node("substance-two"), RDF_TYPE, term("ActiveSubstance")),
        (node("substance-two"), RDFS_LABEL, Literal("Twocel", language="en")),
        (node("substance-two"), SKOS_ALT, Literal("ツーセル細胞", language="ja")),
        # a name of each kind equal to one of another kind, elsewhere: both are equal matches
        (node("product-twin"), RDF_TYPE, term("RegenerativeMedicineProduct")),
        (node("product-twin"), term("commonName"), Literal("alphabet")),
        (node("product-twin"), SKOS_ALT, Literal("ALPHA PRODUCT")),
        (node("product-twin"), RDFS_LABEL, Literal("onecel", language="en")),
        # names on things that are not products or substances never match
        (node("organisation-x"), RDFS_LABEL, Literal("Alpha", language="en")),
        (node("organisation-x"), SKOS_ALT, Literal("Onecel")),
    ]
    store.extend([Quad(s, p, o, graph) for s, p, o in triples])
    return store


@pytest.fixture(scope="module")
def japanese() -> CountingStore:
    return CountingStore(_japanese_graph())


@pytest.mark.parametrize(
    ("kind", "name", "found"),
    [
        ("product", "alpha", "product-alpha"),  # equal brand; two others start with it
        ("product", "ALPHABE", "ambiguous"),  # starts a brand and a common name
        ("product", "Alphabet", "ambiguous"),  # equal to both
        ("product", "alpha product", "ambiguous"),  # a label, an alternative label
        ("product", "onecel", "ambiguous"),  # a substance's label, a product's label
        ("product", "one", "ambiguous"),
        ("product", "ALPHA P", "ambiguous"),
        ("product", "alpha pr", "ambiguous"),
        ("product", "ベット", "product-alphabet"),
        ("product", "e alp", "product-kit"),  # inside the common name
        ("product", "lph", "ambiguous"),  # inside every brand
        ("product", "アルファ", "product-alpha"),  # equal ja label beats the longer one
        ("product", "アルファベ", "product-alphabet"),
        ("product", "lpha produ", "ambiguous"),
        ("product", "ファベ", "product-alphabet"),
        ("product", "再生", "product-kit"),  # starts a ja alternative label
        ("product", "ワンセル", "product-alpha"),  # its substance's ja label
        ("product", "twocel", "product-alphabet"),
        ("product", "cel", "ambiguous"),
        ("product", "alpha-kit", "product-kit"),
        ("product", "Omega", None),
        ("substance", "ONECEL", "substance-one"),
        ("substance", "ツーセル", "substance-two"),
        ("substance", "細胞", "substance-two"),
        ("substance", "cel", "ambiguous"),
        ("substance", "alpha", None),
    ],
)
def test_equal_beats_prefix_beats_part_in_any_case_and_language(
    japanese: CountingStore, run: Any, kind: str, name: str, found: str | None
) -> None:
    want = str(OOSD[found]) if found and found != "ambiguous" else found
    assert expected(japanese, kind, name) == want  # the reference says so too
    assert looked_up(japanese, run, kind, name) == want


def _names(store: Any, kind: str) -> set[str]:
    paths = {
        "product": "oos:brandName|oos:commonName|rdfs:label|skos:altLabel"
        "|oos:activeSubstance/rdfs:label",
        "substance": "rdfs:label|skos:altLabel",
    }[kind]
    cls = {"product": "oos:RegenerativeMedicineProduct", "substance": "oos:ActiveSubstance"}[kind]
    rows = store.select(PREFIXES + f"SELECT DISTINCT ?l {{ ?s a {cls} ; {paths} ?l }}")
    return {row["l"].value for row in rows}


@pytest.mark.parametrize("kind", ["product", "substance"])
def test_every_name_and_its_parts_find_what_the_ranking_finds(
    served: Any, japanese: CountingStore, run: Any, kind: str
) -> None:
    for store in (served, japanese):
        names = _names(store, kind)
        assert names
        tried: set[str] = set()
        for name in sorted(names):
            middle = len(name) // 2
            tried |= {name, name.upper(), name.lower(), name[:3], name[middle : middle + 3]}
        kinds: set[str | None] = set()
        for name in sorted(tried):
            want = expected(store, kind, name)
            assert looked_up(store, run, kind, name) == want, name
            kinds.add(want if want in (None, "ambiguous") else "one")
        assert kinds >= {"one", "ambiguous"}
