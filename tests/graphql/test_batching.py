"""No N+1: a page of products with nested links costs the same store calls whatever its size."""

from __future__ import annotations

from typing import Any

import pytest

NESTED = """
query Page($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    totalCount
    edges { cursor node {
      id brandName origin oosProvision approval { date kind } mah { name }
      source { id label }
      substance { name products { id } oosTrials { registryId } studies { id } }
      oosTrials { registryId product { id substance { name } } }
      expandedAccessPrograms { nctId substance { name } }
      studies { id measurements { measure value } substance { name } }
    } }
  }
}
"""


@pytest.mark.parametrize("first", [1, 20])
def test_a_page_costs_a_fixed_number_of_store_calls(counting: Any, run: Any, first: int) -> None:
    result = run(counting, NESTED, {"first": first})
    assert result.errors is None
    edges = result.data["products"]["edges"]
    assert len(edges) == first
    node = edges[0]["node"]
    assert node["substance"]["name"] and node["oosTrials"] and node["studies"]
    assert node["studies"][0]["measurements"] and node["expandedAccessPrograms"]
    # the products query and one compiled query for everything below the page
    assert len(counting.calls) == 2


def test_page_size_does_not_change_the_number_of_store_calls(counting: Any, run: Any) -> None:
    run(counting, NESTED, {"first": 1})
    one = len(counting.calls)
    counting.calls.clear()
    run(counting, NESTED, {"first": 20})
    assert len(counting.calls) == one


def test_pages_follow_each_other_without_overlap(counting: Any, run: Any) -> None:
    query = """query($a: String) { products(first: 10, after: $a) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    for _ in range(5):
        page = run(counting, query, {"a": after}).data["products"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 25


def test_on_the_real_graph_one_product_costs_what_twenty_cost(
    counting_loaded: Any, run: Any
) -> None:
    listing = run(counting_loaded, "{ products(first: 21) { edges { cursor node { label } } } }")
    edges = listing.data["products"]["edges"]
    at = [edge["node"]["label"] for edge in edges].index("Kymriah")
    counting_loaded.calls.clear()
    one = run(counting_loaded, NESTED, {"first": 1, "after": edges[at - 1]["cursor"]})
    node = one.data["products"]["edges"][0]["node"]
    assert node["oosTrials"] and node["expandedAccessPrograms"] and node["studies"]
    calls_for_one = len(counting_loaded.calls)
    counting_loaded.calls.clear()
    twenty = run(counting_loaded, NESTED, {"first": 20})
    assert len(twenty.data["products"]["edges"]) == 20
    assert len(counting_loaded.calls) == calls_for_one


@pytest.mark.parametrize("arm", [None, "OOS", "COMMERCIAL"])
def test_measurements_filtered_in_the_query_are_those_filtered_by_hand(
    served: Any, run: Any, arm: str | None
) -> None:
    every = run(served, "{ studies { id measurements { id measure arm } } }").data["studies"]
    given = f"measure: CRS_GRADE_3_4{', arm: ' + arm if arm else ''}"
    query = "{ studies { id measurements(" + given + ") { id measure arm } } }"
    cut = run(served, query).data["studies"]
    expected = {
        study["id"]: sorted(
            m["id"]
            for m in study["measurements"]
            if m["measure"] == "CRS_GRADE_3_4" and arm in (None, m["arm"])
        )
        for study in every
    }
    assert {s["id"]: sorted(m["id"] for m in s["measurements"]) for s in cut} == expected
    assert any(expected.values())


def test_linked_objects_without_selected_values_are_kept(counting: Any, run: Any) -> None:
    # the generated trials have no title: each product still lists its trial
    result = run(counting, "{ products(first: 3) { edges { node { oosTrials { title } } } } }")
    trials = [node["node"]["oosTrials"] for node in result.data["products"]["edges"]]
    assert trials == [[{"title": None}]] * 3


def test_ids_alone_cost_no_query_of_their_type(counting: Any, run: Any) -> None:
    result = run(counting, "{ products(first: 5) { edges { node { id } } } }")
    assert len(result.data["products"]["edges"]) == 5
    assert len(counting.calls) == 1  # the products query; their ids need nothing more


def test_a_product_by_an_unknown_iri_is_null(counting: Any, run: Any) -> None:
    query = "query($i: ID!) { product(id: $i) { id brandName } }"
    missing = run(counting, query, {"i": "https://w3id.org/oos-kg/id/product-none"})
    assert missing.data == {"product": None}
    known = run(counting, query, {"i": "https://w3id.org/oos-kg/id/product-p03"})
    assert known.data == {
        "product": {"id": "https://w3id.org/oos-kg/id/product-p03", "brandName": "Brand 03"}
    }


def test_aliased_product_roots_cost_a_fixed_number_of_queries_each_and_keep_their_answers(
    counting: Any, run: Any
) -> None:
    fields = {
        "all": "",
        "auto": "(filter: {origin: AUTOLOGOUS})",
        "allo": "(filter: {origin: ALLOGENEIC}, first: 2)",
        "named": '(filter: {text: "a"})',
    }
    body = "totalCount edges { node { id } } pageInfo { hasNextPage endCursor }"
    alone = {}
    for alias, args in fields.items():
        counting.calls.clear()
        alone[alias] = run(counting, f"{{ {alias}: products{args} {{ {body} }} }}").data[alias]
        assert len(counting.calls) == 1
    counting.calls.clear()
    document = " ".join(f"{alias}: products{args} {{ {body} }}" for alias, args in fields.items())
    together = run(counting, f"{{ {document} }}")
    assert together.errors is None
    assert together.data == alone
    assert len(counting.calls) == len(fields)
    # each alias kept its own filter and page
    assert 0 < alone["auto"]["totalCount"] < alone["all"]["totalCount"]
    assert len(alone["allo"]["edges"]) == 2 < alone["allo"]["totalCount"]
