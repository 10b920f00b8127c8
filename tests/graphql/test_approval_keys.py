"""``Product.approval`` fetches only the approval facts selected under it, plus what says
whether there is an approval at all (not null when the product has an approval with a date, a
kind or a withdrawal): every selection must answer what the whole approval answers."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from oos_kg.namespaces import OOS, OOSD
from tests.graphql.conftest import RDF_TYPE, XSD, CountingStore

FIELDS = ("date", "kind", "withdrawnOn", "jurisdiction")
WHOLE = "date kind withdrawnOn jurisdiction"


def _graph() -> Store:
    """Products whose approvals hold some facts and not others (made up, for the mechanics)."""
    store = Store()
    graph = NamedNode("https://w3id.org/oos-kg/graph/products")
    quads: list[Quad] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        quads.append(Quad(s, RDF_TYPE if p == "type" else NamedNode(str(OOS[p])), o, graph))

    japan = NamedNode(str(OOSD["jurisdiction-jp"]))
    add(japan, "jurisdictionCode", Literal("JP"))
    facts: dict[str, list[dict[str, Any]]] = {
        "whole": [{"date": "2020-01-02", "kind": "approval", "withdrawn": "2024-06", "in": True}],
        "dated": [{"date": "2019-03-04"}],
        "kind": [{"kind": "conditional-time-limited"}],
        "withdrawn": [{"withdrawn": "2024-07"}],
        "jurisdiction": [{"in": True}],  # none of the three: no approval
        "bare": [{}],
        "none": [],
        "two": [{"date": "2018-05-06"}, {"kind": "approval", "in": True}],
    }
    for name, approvals in facts.items():
        product = NamedNode(str(OOSD[f"product-{name}"]))
        add(product, "type", NamedNode(str(OOS["RegenerativeMedicineProduct"])))
        add(product, "brandName", Literal(name))
        for n, approval in enumerate(approvals):
            node = NamedNode(str(OOSD[f"approval-{name}-{n}"]))
            add(product, "approval", node)
            if "date" in approval:
                add(
                    node,
                    "approvalDate",
                    Literal(approval["date"], datatype=NamedNode(XSD + "date")),
                )
            if "kind" in approval:
                add(node, "approvalKind", NamedNode(str(OOS[f"approval-kind-{approval['kind']}"])))
            if "withdrawn" in approval:
                add(node, "withdrawnOn", Literal(approval["withdrawn"]))
            if approval.get("in"):
                add(node, "approvedIn", japan)
    store.extend(quads)
    return store


@pytest.fixture(scope="module")
def approvals() -> CountingStore:
    return CountingStore(_graph())


def _by_brand(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return {e["node"]["brandName"]: e["node"]["approval"] for e in result.data["products"]["edges"]}


def _selections() -> list[tuple[str, ...]]:
    return [c for n in range(1, len(FIELDS) + 1) for c in itertools.combinations(FIELDS, n)]


def test_the_whole_approval_is_null_only_without_date_kind_or_withdrawal(
    approvals: CountingStore, run: Any
) -> None:
    whole = _by_brand(
        run(
            approvals,
            f"{{ products {{ edges {{ node {{ brandName approval {{ {WHOLE} }} }} }} }} }}",
        )
    )
    assert {brand for brand, approval in whole.items() if approval is None} == {
        "jurisdiction",
        "bare",
        "none",
    }
    assert whole["whole"] == {
        "date": "2020-01-02",
        "kind": "APPROVAL",
        "withdrawnOn": "2024-06",
        "jurisdiction": "JP",
    }


@pytest.mark.parametrize("store", ["made up", "repository"])
def test_any_part_of_the_approval_answers_as_the_whole_one(
    approvals: CountingStore, served: Any, run: Any, store: str
) -> None:
    source = approvals if store == "made up" else served
    query = "{ products { edges { node { brandName approval { %s } } } } }"
    whole = _by_brand(run(source, query % WHOLE))
    assert any(approval is None for approval in whole.values()) == (store == "made up")
    for chosen in [*_selections(), ("__typename",)]:
        part = _by_brand(run(source, query % " ".join(chosen)))
        expected = {
            brand: None
            if approval is None
            else {f: approval[f] for f in chosen if f != "__typename"}
            | ({"__typename": "Approval"} if "__typename" in chosen else {})
            for brand, approval in whole.items()
        }
        assert part == expected, chosen
    fragment = _by_brand(run(source, query % "... on Approval { kind } date"))
    assert fragment == {
        b: None if a is None else {"kind": a["kind"], "date": a["date"]} for b, a in whole.items()
    }


def test_a_linked_product_reads_its_approval_the_same_way(served: Any, run: Any) -> None:
    linked = run(
        served, '{ substance(name: "tisagenlecleucel") { products { approval { kind } } } }'
    )
    listed = run(served, '{ product(name: "kymriah") { approval { kind date } } }')
    assert linked.errors is None and listed.errors is None
    assert linked.data["substance"]["products"] == [
        {"approval": {"kind": listed.data["product"]["approval"]["kind"]}}
    ]
