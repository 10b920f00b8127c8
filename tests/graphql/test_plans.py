"""Subtrees completed by the document's compiled closures (graphql_api._plans) answer exactly
what graphql-core's own completion answers, and plain documents take that path."""

from __future__ import annotations

import gc
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from graphql.execution import Executor

from graphql_api._lean import LeanExecutor
from graphql_api.schema import OosSchema
from tests.graphql.test_prefetch import CASES, DOCUMENTS, QUESTIONS, Counting, answer


@contextmanager
def graphql_core_completes() -> Iterator[None]:
    """Switch the compiled completion off for the block: graphql-core completes everything."""
    LeanExecutor.compile_plans = False
    try:
        yield
    finally:
        LeanExecutor.compile_plans = True


def _uncompiled_answer(
    schema: OosSchema, store: Any, document: str, variables: Any = None, *, prefetch: bool = True
) -> str:
    with graphql_core_completes():
        return answer(schema, store, document, variables, prefetch=prefetch)[0]


@pytest.mark.parametrize(
    ("document", "variables"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_compiled_answers_are_graphql_cores(
    schema: OosSchema, loaded: Any, document: str, variables: Any
) -> None:
    compiled, calls = answer(schema, loaded, document, variables, prefetch=True)
    assert compiled == _uncompiled_answer(schema, loaded, document, variables)
    assert '"data": null' not in compiled
    with graphql_core_completes():
        assert calls == answer(schema, loaded, document, variables, prefetch=True)[1]


def _objects_completed_by_graphql_core(
    schema: OosSchema, store: Any, document: str, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[int, str]:
    seen = [0]
    original = Executor.complete_object_value

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Executor, "complete_object_value", counting)
    found = answer(schema, store, document, kw.get("variables"), prefetch=kw.get("prefetch", True))
    monkeypatch.undo()
    return seen[0], found[0]


@pytest.mark.parametrize("slug", sorted(QUESTIONS))
def test_every_question_is_completed_by_compiled_closures(
    schema: OosSchema, loaded: Any, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    completed, found = _objects_completed_by_graphql_core(
        schema, loaded, QUESTIONS[slug], monkeypatch
    )
    assert json.loads(found)["errors"] == []
    assert completed == 0


def test_what_is_not_compiled_is_completed_by_graphql_core(
    schema: OosSchema, loaded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("fragments", "repeated key"):
        completed, _ = _objects_completed_by_graphql_core(
            schema, loaded, DOCUMENTS[name], monkeypatch
        )
        assert completed > 0, name
    directives = "query($x: Boolean!) { products { edges { node { id @include(if: $x) } } } }"
    completed, found = _objects_completed_by_graphql_core(
        schema, loaded, directives, monkeypatch, variables={"x": False}
    )
    assert completed > 0
    assert json.loads(found)["data"]["products"]["edges"][0]["node"] == {}


def test_links_left_to_the_loaders_fall_back_without_leaving_a_coroutine(
    schema: OosSchema, loaded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no prefetch: every link field returns a coroutine of its loader; the compiled completion
    # meets it, closes it, and leaves the object to graphql-core, which awaits its own
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        completed, found = _objects_completed_by_graphql_core(
            schema, loaded, DOCUMENTS["products"], monkeypatch, prefetch=False
        )
        gc.collect()
    assert completed > 0
    assert not [w for w in caught if "never awaited" in str(w.message)]
    assert found == _uncompiled_answer(schema, loaded, DOCUMENTS["products"], prefetch=False)


@pytest.mark.parametrize(
    "failing", ["oos:commonName", "skos:altLabel", "oos:ciLow", "oos:registryId"]
)
def test_a_failure_below_a_compiled_field_is_reported_as_graphql_core_reports_it(
    schema: OosSchema, loaded: Any, failing: str
) -> None:
    document = DOCUMENTS["products"]
    compiled, _ = answer(schema, Counting(loaded, failing), document, prefetch=True)
    expected = _uncompiled_answer(schema, Counting(loaded, failing), document, None)
    assert compiled == expected
    assert json.loads(compiled)["errors"]
