"""A field node's arguments without variables are coerced once per cached document
(graphql_api._lean.keep_constant_arguments); arguments with variables on every request, so
each request answers for its own values."""

from __future__ import annotations

from typing import Any

import pytest
from graphql.execution import values


@pytest.fixture()
def coercions(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every argument value graphql-core coerces from the document, as it coerces it."""
    seen: list[Any] = []
    original = values.coerce_input_literal

    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(values, "coerce_input_literal", counted)
    return seen


def test_constant_arguments_are_coerced_once_per_document(
    served: Any, run: Any, coercions: list[Any]
) -> None:
    document = """{ a: products(filter: {origin: AUTOLOGOUS, oosProvision: CLINICAL_TRIAL}) {
        totalCount edges { node { label(lang: "en") } } }
      b: products(filter: {origin: ALLOGENEIC}, first: 2) { totalCount } }"""
    first = run(served, document)
    assert first.errors is None and coercions  # the first run coerces them
    coercions.clear()
    for _ in range(3):
        again = run(served, document)
        assert again.data == first.data
    assert coercions == []  # kept on the cached document's nodes
    assert first.data["a"]["totalCount"] != first.data["b"]["totalCount"]  # each its own


def test_arguments_with_variables_are_coerced_for_each_request(
    served: Any, run: Any, coercions: list[Any]
) -> None:
    document = (
        "query($o: Origin!) { products(filter: {origin: $o, withdrawn: false}) { totalCount } }"
    )
    counts = {}
    for origin in ("AUTOLOGOUS", "ALLOGENEIC", "AUTOLOGOUS"):
        coercions.clear()
        result = run(served, document, {"o": origin})
        assert result.errors is None
        assert coercions  # the filter holds a variable: coerced again
        counts.setdefault(origin, set()).add(result.data["products"]["totalCount"])
    assert all(len(found) == 1 for found in counts.values())
    assert counts["AUTOLOGOUS"] != counts["ALLOGENEIC"]
