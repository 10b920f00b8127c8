"""``products`` without edges asks only how many products match (queries/products-count.rq):
its totalCount and pageInfo must be those of the same filter with its edges listed."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from graphql_api._sparql import load_query
from tests.graphql.conftest import Unversioned

FILTERS = {
    "origin": "AUTOLOGOUS",
    "approvalKind": "APPROVAL",
    "oosProvision": "CLINICAL_TRIAL",
    "modality": "CAR_T_CELL_THERAPY",
    "mah": '"a"',
    "approvedFrom": '"2015-01-01"',
    "approvedTo": '"2022-12-31"',
    "withdrawn": "false",
    "text": '"CEL"',
}
OTHER_VALUES = {
    "origin": "ALLOGENEIC",
    "approvalKind": "CONDITIONAL_TIME_LIMITED",
    "oosProvision": "NO",
    "mah": '"japan tissue"',
    "approvedFrom": '"2021-06-11"',
    "approvedTo": '"2021-06-11"',
    "withdrawn": "true",
    "text": '"ブ"',
}
PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


def _filter_lines(name: str) -> list[str]:
    return [
        line.strip()
        for line in load_query(name).splitlines()
        if not line.startswith("#")
        and re.search(r"#\s*when\s+\?", line)
        and not line.rstrip().endswith(("?order", "?typed"))
    ]


def test_the_count_query_filters_as_the_listing_query_does() -> None:
    listing = _filter_lines("products")
    assert listing and _filter_lines("products-count") == listing
    assert _filter_lines("products-ids") == listing
    prologue = load_query("products").split("SELECT")[0].splitlines()
    assert [line for line in prologue if line.startswith("PREFIX")] == [
        line
        for line in load_query("products-count").split("SELECT")[0].splitlines()
        if line.startswith("PREFIX")
    ]


def _combinations() -> list[str]:
    found = []
    names = list(FILTERS)
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            found.append(", ".join(f"{name}: {FILTERS[name]}" for name in chosen))
    found += [f"{name}: {value}" for name, value in OTHER_VALUES.items()]
    return found


@pytest.mark.parametrize("versioned", [True, False])
def test_every_filter_combination_counts_what_it_lists(
    served: Any, run: Any, versioned: bool
) -> None:
    """Counted by the count query, or by the products' places where they are kept."""
    if not versioned:
        served = Unversioned(served.store)
    combinations = _combinations()
    assert len(combinations) == 2 ** len(FILTERS) + len(OTHER_VALUES)
    non_empty = 0
    for given in combinations:
        argument = f"(filter: {{{given}}})"
        listed = run(served, f"{{ products{argument} {{ {PAGE} edges {{ cursor }} }} }}")
        counted = run(served, f"{{ products{argument} {{ {PAGE} }} }}")
        assert listed.errors is None and counted.errors is None, given
        page = listed.data["products"]
        edges = page.pop("edges")
        assert counted.data["products"] == page, given
        assert page["totalCount"] == len(edges), given
        non_empty += page["totalCount"] > 0
    assert non_empty > 50  # the filters were not all empty


@pytest.mark.parametrize(
    "paging",
    [
        "",
        "first: 0",
        "first: 3",
        "first: 21",
        'first: 5, after: "b2Zmc2V0OjE2"',
        'after: "b2Zmc2V0OjE5"',
        'after: "b2Zmc2V0OjIw"',
        'after: "b2Zmc2V0OjQw"',
        'first: 2, after: "b2Zmc2V0OjA="',
    ],
)
def test_page_information_without_edges_is_that_of_the_listed_page(
    served: Any, run: Any, paging: str
) -> None:
    for given in ("", "filter: {origin: AUTOLOGOUS}, "):
        arguments = f"({given}{paging})" if given or paging else ""
        listed = run(served, f"{{ products{arguments} {{ {PAGE} edges {{ node {{ id }} }} }} }}")
        counted = run(served, f"{{ products{arguments} {{ {PAGE} }} }}")
        assert listed.errors is None and counted.errors is None
        page = listed.data["products"]
        edges = page.pop("edges")
        assert counted.data["products"] == page
        assert bool(edges) == (page["pageInfo"]["startCursor"] is not None)


def test_aliased_counts_share_one_query_and_count_what_each_lists(
    counting_loaded: Any, run: Any
) -> None:
    roots = {
        "all": "",
        "autologous": "(filter: {origin: AUTOLOGOUS})",
        "allogeneic": "(filter: {origin: ALLOGENEIC})",
        "viaTrial": "(filter: {origin: AUTOLOGOUS, oosProvision: CLINICAL_TRIAL})",
        "none": '(filter: {text: "no such product"})',
    }
    run(counting_loaded, "{ products(first: 1) { edges { cursor } } }")  # places read
    counting_loaded.calls.clear()
    counted = run(
        counting_loaded,
        "{ " + " ".join(f"{k}: products{a} {{ totalCount }}" for k, a in roots.items()) + " }",
    )
    assert counted.errors is None
    assert len(counting_loaded.calls) == 1  # every product has a place: "all" needs no query
    for key, arguments in roots.items():
        listed = run(counting_loaded, f"{{ products{arguments} {{ edges {{ cursor }} }} }}")
        assert counted.data[key]["totalCount"] == len(listed.data["products"]["edges"]), key
    assert counted.data["none"]["totalCount"] == 0 < counted.data["viaTrial"]["totalCount"]
