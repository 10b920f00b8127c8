"""docs/questions.md: every question's GraphQL and SPARQL give its recorded answer, on the graph
as ``oos-kg load`` writes it. Re-record with ``tools/record_answers.py`` after the data changes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.graphql.questions import (
    Question,
    as_table,
    flatten,
    parse_questions,
    select_variables,
    solutions_table,
)

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = parse_questions(ROOT / "docs" / "questions.md")


def _graphql_rows(run: Any, store: Any, question: Question) -> list[dict[str, str]]:
    result = run(store, question.graphql)
    assert result.errors is None, result.errors
    return flatten(result.data)


def test_the_bank_holds_at_least_fifteen_distinct_questions() -> None:
    assert len(QUESTIONS) >= 15
    assert len({q.slug for q in QUESTIONS}) == len(QUESTIONS)
    assert all(any(any(cell for cell in row) for row in q.rows) for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.slug for q in QUESTIONS])
def test_the_answer_table_has_the_columns_both_queries_give(
    question: Question, run: Any, served: Any
) -> None:
    assert select_variables(question.sparql) == question.columns
    leaves = {column for row in _graphql_rows(run, served, question) for column in row}
    assert leaves == set(question.columns)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.slug for q in QUESTIONS])
def test_graphql_gives_the_recorded_answer(question: Question, run: Any, served: Any) -> None:
    got = as_table(_graphql_rows(run, served, question), question.columns)
    assert got == Counter(question.rows)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.slug for q in QUESTIONS])
def test_sparql_gives_the_recorded_answer(question: Question, loaded: Any) -> None:
    got = as_table(solutions_table(loaded.select(question.sparql)), question.columns)
    assert got == Counter(question.rows)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.slug for q in QUESTIONS])
def test_graphql_and_sparql_agree(question: Question, run: Any, loaded: Any, served: Any) -> None:
    by_graphql = as_table(_graphql_rows(run, served, question), question.columns)
    by_sparql = as_table(solutions_table(loaded.select(question.sparql)), question.columns)
    assert by_graphql == by_sparql
