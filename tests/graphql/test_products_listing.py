"""A whole ``products`` listing (no first, after or date range) is found unordered and sorted
in Python (queries/products-ids.rq): it must be the ordered query's listing, product for
product, and fall back to that query when a value's order is not one Python can tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphql_api.schema import OosSchema
from oos_kg.loading import load_store
from oos_kg.namespaces import GRAPH, OOS, OOSD
from oos_kg.resources import graph_sources
from oos_kg.store.memory import MemoryStore
from tests.graphql.conftest import InOrder, execute
from tests.graphql.test_products_count import FILTERS, OTHER_VALUES, _combinations

BODY = (
    "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
    " edges { cursor node { id brandName approval { date } } }"
)


def _listings(run: Any, store: Any, given: str) -> tuple[Any, Any]:
    """The whole listing of filter ``given``, and the same through the ordered query (a
    ``first`` as large as the page: the unordered path is only taken without one)."""
    whole = run(store, f"{{ products(filter: {{{given}}}) {{ {BODY} }} }}")
    ordered = run(store, f"{{ products(filter: {{{given}}}, first: 100) {{ {BODY} }} }}")
    assert whole.errors is None and ordered.errors is None, given
    return whole.data, ordered.data


def test_every_whole_listing_is_the_ordered_querys(served: InOrder, run: Any) -> None:
    dated = ("approvedFrom", "approvedTo")
    combinations = [c for c in _combinations() if not any(name in c for name in dated)]
    assert len(combinations) > 2 ** (len(FILTERS) - 2)
    listed = 0
    for given in combinations:
        served.calls.clear()
        whole, ordered = _listings(run, served, given)
        assert any("unordered" in call for call in served.calls[:1]), given
        assert whole == ordered, given
        listed += len(whole["products"]["edges"]) > 1
    assert listed > 30  # orders of several products were compared
    assert OTHER_VALUES  # the other values are among the combinations


def test_the_generated_graphs_listing_is_the_ordered_querys(counting: Any, run: Any) -> None:
    # 60 generated products: dates, brands and IRIs in other orders than the paper's
    whole, ordered = _listings(run, counting, "")
    assert len(whole["products"]["edges"]) > 20
    assert whole == ordered


def test_a_value_python_cannot_order_leaves_the_order_to_the_store(schema: OosSchema) -> None:
    store = MemoryStore()
    load_store(store, graph_sources(Path(__file__).resolve().parents[2]))
    # a plain string among the dates: only the store knows where it sorts
    store.update(
        f"INSERT DATA {{ GRAPH <{GRAPH.products}> {{"
        f' <{OOSD}approval-kymriah> <{OOS}approvalDate> "2019" }} }}'
    )
    counting = InOrder(store)
    whole = execute(schema, counting, f"{{ products {{ {BODY} }} }}")
    assert whole.errors is None
    assert any("unordered" in call for call in counting.calls)
    assert any("ORDER BY ?firstDate" in call for call in counting.calls)  # then the store's
    ordered = execute(schema, counting, f"{{ products(first: 100) {{ {BODY} }} }}")
    assert whole.data == ordered.data
