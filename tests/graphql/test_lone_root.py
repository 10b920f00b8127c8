"""A root field alone in its operation fetches its records at once, not through a loader (which
only batches sibling roots): the answers and the store's queries must be the same either way."""

from __future__ import annotations

from typing import Any

import pytest

ROOTS = {
    "products": """products(filter: {origin: AUTOLOGOUS}, first: 4) { totalCount edges { node {
        label brandName approval { date } substance { name } oosTrials { registryId } } } }""",
    "product by id": """product(id: "https://w3id.org/oos-kg/id/product-kymriah") {
        brandName studies { title } }""",
    "unknown product": 'product(id: "https://w3id.org/oos-kg/id/no-such") { brandName }',
    "product ids only": 'product(name: "kymriah") { id }',
    "substance": """substance(name: "axicabtagene ciloleucel") { name products { label }
        oosTrials { registryId } expandedAccessPrograms { nctId } }""",
    "studies": 'studies(substance: "tisagenlecleucel") { title substance { name } }',
    "obligations": "obligations(role: MAH, jurisdiction: JP) { action clause { number } }",
    "frameworks": "frameworks(codes: [JP, EU]) { code legalBasis { number } }",
    "jurisdictions": "jurisdictions { code frameworks { code } }",
    "comparison": """compareJurisdictions(aspects: ["legal"], jurisdictions: [JP, JP_PROPOSED]) {
        aspect { label } cells { jurisdiction text obligations { action } } }""",
    "framework diff": """frameworkDiff(role: MAH) { fromFramework { code } roles {
        role { label } fromObligations { action } toObligations { clause { label } } } }""",
}


@pytest.mark.parametrize("root", list(ROOTS))
def test_a_lone_root_answers_and_queries_as_one_with_a_sibling(
    counting_loaded: Any, run: Any, root: str
) -> None:
    run(counting_loaded, "{ " + ROOTS[root] + " }")  # builds the name index the first time
    counting_loaded.calls.clear()
    alone = run(counting_loaded, "{ " + ROOTS[root] + " }")
    queries_alone = list(counting_loaded.calls)
    counting_loaded.calls.clear()
    with_sibling = run(counting_loaded, "{ " + ROOTS[root] + " __typename }")
    assert alone.errors is None and with_sibling.errors is None
    assert with_sibling.data.pop("__typename") == "Query"
    assert alone.data == with_sibling.data
    assert any(value for value in alone.data.values()) == (root != "unknown product")
    assert queries_alone == counting_loaded.calls
