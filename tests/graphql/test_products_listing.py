"""A ``products`` listing without a date range is found unordered (queries/products-ids.rq) and
put in order: by the products' places, kept for each version of the data, when the store can
name its versions; else, for a whole listing (no first or after), sorted in Python on the
dates and brand names fetched with the records, falling back to the ordered query
(queries/products.rq) when a value's order is not one Python can tell. Each must list what
the ordered query lists, product for product, page for page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graphql_api.schema import OosSchema
from graphql_api.types.common import encode_cursor
from oos_kg.loading import load_store
from oos_kg.namespaces import GRAPH, OOS, OOSD
from oos_kg.resources import graph_sources
from oos_kg.store.memory import MemoryStore
from tests.graphql.conftest import InOrder, Unversioned, execute
from tests.graphql.test_products_count import FILTERS, OTHER_VALUES, _combinations

BODY = (
    "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
    " edges { cursor node { id brandName approval { date } } }"
)


def _listings(run: Any, store: Any, given: str, paging: str = "") -> tuple[Any, Any]:
    """The listing of filter ``given`` (``paging``: more arguments), and the same through
    the ordered query (the same store unable to name its versions, and a ``first``: the
    unordered paths of such a store are only taken without one)."""
    listing = f"filter: {{{given}}}{paging}"
    found = run(store, f"{{ products({listing}) {{ {BODY} }} }}")
    store.found_by = list(store.calls)
    first = "" if "first:" in paging else ", first: 100"
    ordered = run(Unversioned(store), f"{{ products({listing}{first}) {{ {BODY} }} }}")
    assert found.errors is None and ordered.errors is None, given
    return found.data, ordered.data


def test_every_listing_is_the_ordered_querys(served: InOrder, run: Any) -> None:
    dated = ("approvedFrom", "approvedTo")
    combinations = [c for c in _combinations() if not any(name in c for name in dated)]
    assert len(combinations) > 2 ** (len(FILTERS) - 2)
    listed = 0
    for given in combinations:
        for store in (served, Unversioned(served.store)):  # by places; sorted in Python
            run(store, "{ products(first: 1) { edges { cursor } } }")  # places read, if kept
            store.calls.clear()
            found, ordered = _listings(run, store, given)
            if given or store is not served:  # by places, every product needs no query
                assert "unordered" in store.found_by[0], given
            assert not any("\nORDER BY" in call for call in store.found_by), given
            assert found == ordered, given
            listed += len(found["products"]["edges"]) > 1
        for paging in (", first: 2", f', first: 3, after: "{encode_cursor(0)}"'):
            found, ordered = _listings(run, served, given, paging)
            assert found == ordered, (given, paging)
        served.calls.clear()  # by places, ids alone need no record: one query
        run(served, f"{{ products(filter: {{{given}}}) {{ edges {{ node {{ id }} }} }} }}")
        assert len(served.calls) == (1 if given else 0), given
        assert all("unordered" in call for call in served.calls), given
    assert listed > 60  # orders of several products were compared
    assert OTHER_VALUES  # the other values are among the combinations


@pytest.mark.parametrize("version", [None, "v1"])
def test_the_generated_graphs_listing_is_the_ordered_querys(
    counting: Any, run: Any, version: str | None
) -> None:
    # 60 generated products: dates, brands and IRIs in other orders than the paper's
    counting.version = version
    for paging in ("", f', first: 7, after: "{encode_cursor(4)}"'):
        found, ordered = _listings(run, counting, "", paging)
        assert len(found["products"]["edges"]) > 6
        assert found == ordered


def test_a_value_python_cannot_order_leaves_the_order_to_the_store(schema: OosSchema) -> None:
    store = MemoryStore()
    load_store(store, graph_sources(Path(__file__).resolve().parents[2]))
    # a plain string among the dates: only the store knows where it sorts
    store.update(
        f"INSERT DATA {{ GRAPH <{GRAPH.products}> {{"
        f' <{OOSD}approval-kymriah> <{OOS}approvalDate> "2019" }} }}'
    )
    counting = Unversioned(store)
    whole = execute(schema, counting, f"{{ products {{ {BODY} }} }}")
    assert whole.errors is None
    assert any("unordered" in call for call in counting.calls)
    assert any("ORDER BY ?firstDate" in call for call in counting.calls)  # then the store's
    ordered = execute(schema, counting, f"{{ products(first: 100) {{ {BODY} }} }}")
    assert whole.data == ordered.data
