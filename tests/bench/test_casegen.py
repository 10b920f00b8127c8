"""The synthetic case generator: deterministic, about 48 triples a case, the project's terms."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from bench import casegen

OOS = "https://w3id.org/oos-kg/ontology#"


def _generate(n: int, seed: int) -> str:
    out = io.StringIO()
    casegen.write_cases(out, n, seed)
    return out.getvalue()


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    assert _generate(30, seed=7) == _generate(30, seed=7)
    assert _generate(30, seed=7) != _generate(30, seed=8)


def test_a_smaller_run_is_a_prefix_of_a_larger_one() -> None:
    small, large = _generate(20, seed=3), _generate(50, seed=3)
    assert large.startswith(small)


def test_cases_average_about_48_triples_and_parse_as_n_quads() -> None:
    n = 200
    store = Store()
    store.load(_generate(n, seed=1).encode(), format=RdfFormat.N_QUADS)
    graph = NamedNode(casegen.CASES_GRAPH)
    assert len(store) == sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    per_case = (len(store) - 1) / n
    assert 45 <= per_case <= 52, per_case
    cases = store.query(
        f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{OOS}OosProvisionCase> }}",
        use_default_graph_as_union=True,
    )
    assert int(next(iter(cases))["n"].value) == n


def test_the_graph_says_its_data_are_synthetic() -> None:
    first = _generate(1, seed=5).splitlines()[0]
    assert "Synthetic" in first and "not real data" in first and "seed 5" in first


def test_negative_sizes_and_indexes_are_refused() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        casegen.write_cases(io.StringIO(), -1, 1)
    with pytest.raises(ValueError, match=">= 0"):
        casegen.case_iri(-1)


def test_every_oos_term_it_writes_is_declared_in_the_ontology(root: Path) -> None:
    declared = Store()
    declared.load(path=str(root / "ontology" / "oos.ttl"), format=RdfFormat.TURTLE)
    if not any(declared.quads_for_pattern(NamedNode(f"{OOS}OosProvisionCase"), None, None)):
        pytest.skip("the case vocabulary is not in ontology/oos.ttl yet")
    used = set(re.findall(rf"<{re.escape(OOS)}([^>]+)>", _generate(300, seed=2)))
    missing = sorted(
        t for t in used if not any(declared.quads_for_pattern(NamedNode(OOS + t), None, None))
    )
    assert missing == []


def test_its_products_are_the_autologous_products_of_the_graph(root: Path) -> None:
    products = root / "data" / "products.ttl"
    if not products.is_file():
        pytest.skip("data/products.ttl is not on this branch yet")
    store = Store()
    store.load(path=str(products), format=RdfFormat.TURTLE)
    rows = store.query(f"SELECT ?p WHERE {{ ?p <{OOS}origin> <{OOS}origin-autologous> }}")
    autologous = {str(row["p"].value).rsplit("/product-", 1)[1] for row in rows}
    assert sorted(set(casegen.AUTOLOGOUS_PRODUCTS) - autologous) == []
