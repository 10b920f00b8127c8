"""Every backend gives the project's answers, to the byte where order is defined: the question
bank's GraphQL and SPARQL (docs/questions.md) and the validation of every example case, on
the embedded store, on ``oxigraph serve`` and on Virtuoso, loaded with the same fixture data.
Where an engine answers differently of itself (order without ORDER BY, booleans, ASK), the
remote store makes the answer the same (docs/deploy.md lists each difference)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from store_support import Client
from validation.case_support import expected_of

from oos_kg.app import create_app
from oos_kg.loading import load_store
from oos_kg.resources import GraphSource
from oos_kg.settings import Settings
from oos_kg.store import open_store
from tests.graphql.questions import Question, parse_questions

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = parse_questions(ROOT / "docs" / "questions.md")
CASES = sorted(
    min(folder.glob(pattern))
    for folder in (ROOT / "examples" / "cases").iterdir()
    for pattern in ("conforms*.ttl", "violates-*.ttl")
    if any(folder.glob(pattern))
)
"""One conforming and one violating case per framework (each reads the store's facts)."""


REMOTE = pytest.mark.parametrize(
    "backend",
    [pytest.param(kind, marks=pytest.mark.integration) for kind in ("remote", "virtuoso")],
    indirect=True,
)
"""The remote backends only: the embedded store is the reference."""


@pytest.fixture(scope="module")
def reference(
    fixture_sources: tuple[GraphSource, ...], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Client]:
    """The app over an embedded store of the same fixture data: the answers to match."""
    settings = Settings(store="embedded", store_path=tmp_path_factory.mktemp("reference"))
    store = open_store(settings)
    load_store(store, fixture_sources)
    yield Client(create_app(settings, store=store))
    store.close()


@cache
def _answer(client: Client, kind: str, text: str) -> Any:
    if kind == "graphql":
        response = client.post("/graphql", json={"query": text})
        assert response.status_code == 200, response.text
        return response.json()
    response = client.post(
        "/sparql", data={"query": text}, headers={"accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    rows = [
        tuple(sorted((name, *sorted(term.items())) for name, term in row.items()))
        for row in body["results"]["bindings"]
    ]
    ordered = "ORDER BY" in text.upper()
    return body["head"]["vars"], rows if ordered else Counter(rows)


def test_the_bank_and_the_cases_were_found() -> None:
    assert len(QUESTIONS) >= 15
    assert len(CASES) >= 10, CASES


@REMOTE
@pytest.mark.parametrize("question", QUESTIONS, ids=[q.slug for q in QUESTIONS])
def test_graphql_answers_as_the_reference_does(
    client: Client, reference: Client, question: Question
) -> None:
    assert client.post("/graphql", json={"query": question.graphql}).json() == _answer(
        reference, "graphql", question.graphql
    )


@REMOTE
@pytest.mark.parametrize("question", QUESTIONS, ids=[q.slug for q in QUESTIONS])
def test_sparql_answers_as_the_reference_does(
    client: Client, reference: Client, question: Question
) -> None:
    assert _answer(client, "sparql", question.sparql) == _answer(
        reference, "sparql", question.sparql
    )


@REMOTE
@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_validation_answers_as_the_reference_does(
    client: Client, reference: Client, case: Path
) -> None:
    body = case.read_bytes()
    params = {"framework": expected_of(case)[0], "as_of": "2026-01-01T00:00:00Z"}
    headers = {"content-type": "text/turtle", "accept": "application/json"}
    got = client.post("/validate", params=params, content=body, headers=headers)
    expected = reference.post("/validate", params=params, content=body, headers=headers)
    assert got.status_code == expected.status_code, got.text
    assert got.json() == expected.json()
