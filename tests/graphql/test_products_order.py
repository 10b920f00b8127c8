"""``products`` lists by first approval date (the first within approvedFrom/approvedTo when
given), then first brand name, then IRI; a product without a date comes first. So it does
whether the store can name its versions (the products' places are then kept for each) or not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from oos_kg.namespaces import OOS, OOSD
from tests.graphql.conftest import RDF_TYPE, XSD, CountingStore

PRODUCTS: dict[str, dict[str, Any]] = {
    # name: brands, approval dates (one approval each), withdrawn
    "a": {"brands": ["Delta"], "dates": ["2019-01-01", "2021-05-05"]},
    "b": {"brands": ["Bravo"], "dates": ["2021-03-03"]},
    "c": {"brands": ["Charlie", "Able"], "dates": ["2020-02-02", "2021-09-09"], "withdrawn": True},
    "d": {"brands": ["Echo"], "dates": []},
    "e": {"brands": [], "dates": ["2021-03-03"], "withdrawn": True},
    "f": {"brands": ["Alpha"], "dates": ["2021-03-03"]},
    "g": {"brands": ["Golf"], "dates": ["2022-01-01", "2018-06-06"]},
}


def _graph() -> Store:
    store = Store()
    graph = NamedNode("https://w3id.org/oos-kg/graph/products")
    quads = []
    for name, facts in PRODUCTS.items():
        product = NamedNode(str(OOSD[f"product-{name}"]))
        quads.append(
            Quad(product, RDF_TYPE, NamedNode(str(OOS["RegenerativeMedicineProduct"])), graph)
        )
        for brand in facts["brands"]:
            quads.append(Quad(product, NamedNode(str(OOS["brandName"])), Literal(brand), graph))
        for n, date in enumerate(facts["dates"]):
            approval = NamedNode(str(OOSD[f"approval-{name}-{n}"]))
            quads.append(Quad(product, NamedNode(str(OOS["approval"])), approval, graph))
            quads.append(
                Quad(
                    approval,
                    NamedNode(str(OOS["approvalDate"])),
                    Literal(date, datatype=NamedNode(XSD + "date")),
                    graph,
                )
            )
            if facts.get("withdrawn") and n == 0:
                quads.append(
                    Quad(approval, NamedNode(str(OOS["withdrawnOn"])), Literal("2024-06"), graph)
                )
    store.extend(quads)
    return store


def _expected(since: str | None, until: str | None, withdrawn: bool | None) -> list[str]:
    keys = []
    for name, facts in PRODUCTS.items():
        dates = [dt.date.fromisoformat(d) for d in facts["dates"]]
        ranged = [
            d
            for d in dates
            if (since is None or d >= dt.date.fromisoformat(since))
            and (until is None or d <= dt.date.fromisoformat(until))
        ]
        if (since or until) and not ranged:
            continue
        if withdrawn is not None and bool(facts.get("withdrawn")) != withdrawn:
            continue
        first = min(ranged) if ranged else None
        brand = min(facts["brands"]) if facts["brands"] else None
        iri = str(OOSD[f"product-{name}"])
        keys.append(
            ((first is not None, first or dt.date.min), (brand is not None, brand or ""), iri)
        )
    return [key[2] for key in sorted(keys)]


@pytest.fixture(scope="module", params=[None, "v1"], ids=["unversioned", "versioned"])
def ordered(request: pytest.FixtureRequest) -> CountingStore:
    """The graph, on a store that cannot name its versions (the listing's queries order it)
    and on one that can (without a date range, the products' places are read once)."""
    store = CountingStore(_graph())
    store.version = request.param
    return store


@pytest.mark.parametrize("since", [None, "2021-01-01", "2019-06-01"])
@pytest.mark.parametrize("until", [None, "2021-12-31", "2021-03-03"])
@pytest.mark.parametrize("withdrawn", [None, True, False])
def test_products_sort_by_first_date_in_range_then_brand_then_iri(
    ordered: CountingStore, run: Any, since: str | None, until: str | None, withdrawn: bool | None
) -> None:
    given = {"approvedFrom": since, "approvedTo": until, "withdrawn": withdrawn}
    argument = ", ".join(
        f"{key}: {str(value).lower() if isinstance(value, bool) else f'{chr(34)}{value}{chr(34)}'}"
        for key, value in given.items()
        if value is not None
    )
    query = "{ products%s { totalCount edges { node { id } } } }" % (
        f"(filter: {{{argument}}})" if argument else ""
    )
    result = run(ordered, query)
    assert result.errors is None, result.errors
    found = [edge["node"]["id"] for edge in result.data["products"]["edges"]]
    assert found == _expected(since, until, withdrawn)
    assert result.data["products"]["totalCount"] == len(found)


def test_a_date_outside_the_range_does_not_sort(ordered: CountingStore, run: Any) -> None:
    # a: approved 2019 and 2021-05-05; from 2021 on it sorts by 2021-05-05, after b, e and f
    # (2021-03-03: e has no brand, so it comes first), and g by 2022, not by 2018
    query = '{ products(filter: {approvedFrom: "2021-01-01"}) { edges { node { brandName } } } }'
    found = [e["node"]["brandName"] for e in run(ordered, query).data["products"]["edges"]]
    assert found == [None, "Alpha", "Bravo", "Delta", "Able", "Golf"]
