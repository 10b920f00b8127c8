"""The API gives the recorded answer (data, and errors by message and path) of every golden case
(``tests/graphql/golden_cases.py``) on the repository's graph, each list in its recorded order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.graphql.golden_cases import GOLDEN, answer_json, golden_cases

CASES = golden_cases()


def test_every_case_has_a_golden_file_and_every_file_a_case() -> None:
    files = {path.stem for path in GOLDEN.glob("*.json")}
    assert len(files) >= 80
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_answer_is_the_golden_answer(name: str, run: Any, served: Any) -> None:
    document, variables = CASES[name]
    kept = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert (kept["query"], kept["variables"]) == (document, variables)
    got = json.loads(json.dumps(answer_json(run(served, document, variables))))
    assert got == {"data": kept["data"], "errors": kept["errors"]}
