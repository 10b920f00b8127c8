"""Record the answers of docs/questions.md from actual runs (run after the data changes).

    .venv/bin/python tools/record_answers.py [--check] [--golden]

Loads the repository's graph into a memory store as ``oos-kg load`` would, runs each question's
GraphQL and SPARQL, and writes the answer table when both agree; a question whose two answers
differ is reported and left as it is (exit 1). ``--check`` writes nothing. ``--golden`` also
writes the GraphQL answer of every golden case (``tests/graphql/golden_cases.py``) to
``tests/graphql/golden/<case>.json``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from graphql_api.context import GraphQLContext
from graphql_api.schema import build_schema
from oos_kg.loading import load_store
from oos_kg.resources import graph_sources
from oos_kg.settings import Settings
from oos_kg.store.memory import MemoryStore
from tests.graphql.golden_cases import GOLDEN, answer_json, golden_cases
from tests.graphql.questions import (
    as_table,
    flatten,
    parse_questions,
    select_variables,
    solutions_table,
    with_answers,
)

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "docs" / "questions.md"


def main(argv: list[str]) -> int:
    """Record (or with ``--check`` only compare) every answer; return the exit code."""
    store = MemoryStore()
    load_store(store, graph_sources(ROOT))
    settings = Settings(store="memory")
    schema = build_schema(settings)
    answers = {}
    failed = False
    for question in parse_questions(BANK, draft=True):
        columns = select_variables(question.sparql)
        context = GraphQLContext(store, settings)
        result = asyncio.run(schema.execute(question.graphql, context_value=context))
        if result.errors:
            print(f"{question.slug}: GraphQL errors {result.errors}")  # noqa: T201
            failed = True
            continue
        by_graphql = as_table(flatten(result.data), columns)
        by_sparql = as_table(solutions_table(store.select(question.sparql)), columns)
        if by_graphql != by_sparql:
            print(f"{question.slug}: GraphQL and SPARQL differ")  # noqa: T201
            failed = True
            continue
        answers[question.slug] = (columns, list(by_sparql.elements()))
    if "--golden" in argv:
        GOLDEN.mkdir(exist_ok=True)
        for name, (document, variables) in golden_cases().items():
            context = GraphQLContext(store, settings)
            result = asyncio.run(
                schema.execute(document, variable_values=variables, context_value=context)
            )
            kept = {"query": document, "variables": variables, **answer_json(result)}
            text = json.dumps(kept, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
            (GOLDEN / f"{name}.json").write_text(text, encoding="utf-8")
    if "--check" not in argv:
        BANK.write_text(with_answers(BANK.read_text(encoding="utf-8"), answers), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
