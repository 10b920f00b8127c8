"""A checked query runs straight through graphql-core (``OosSchema.execute``) and answers what
strawberry's own path, with its extension, answers: data, errors, masking and logging."""

from __future__ import annotations

import asyncio
import json
import logging
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import execute, parse
from strawberry.http import process_result
from strawberry.schema import Schema
from strawberry.types.graphql import OperationType

from graphql_api._lean import LeanExecutor, lean_enums, lean_resolvers
from graphql_api.context import GraphQLContext
from graphql_api.errors import MASKED_MESSAGE
from graphql_api.schema import OosSchema
from oos_kg.errors import QueryError
from oos_kg.settings import Settings
from oos_kg.store.base import Bindings


class Failing:
    """Answers from ``store``, but raises ``error`` for queries holding ``text``."""

    selects_in_process = True

    def __init__(self, store: Any, text: str, error: Exception) -> None:
        self.store, self.text, self.error = store, text, error

    def select(self, query: str, **kwargs: Any) -> list[Bindings]:
        if self.text in query:
            raise self.error
        result: list[Bindings] = self.store.select(query, **kwargs)
        return result


TWO = """query A { products(first: 2) { totalCount } }
query B { product(name: "Kymriah") { brandName oosTrials { registryId } } }"""

CASES: dict[str, tuple[str, dict[str, Any] | None, str | None]] = {
    "plain": ("{ products(first: 3) { edges { node { brandName label } } } }", None, None),
    "variables": (
        "query($n: String) { product(name: $n) { brandName substance { name } } }",
        {"n": "Yescarta"},
        None,
    ),
    "bad variable": ("query($f: Int!) { products(first: $f) { totalCount } }", {"f": "x"}, None),
    "missing variable": ("query($f: Int!) { products(first: $f) { totalCount } }", {}, None),
    "expected error": ("{ products(first: -1) { totalCount } }", None, None),
    "invalid": ("{ products { nope } }", None, None),
    "syntax": ("{ products { ", None, None),
    "named A": (TWO, None, "A"),
    "named B": (TWO, None, "B"),
    "unknown name": (TWO, None, "C"),
    "unnamed choice": (TWO, None, None),
}


def _json(result: Any) -> str:
    return json.dumps(process_result(result), sort_keys=True)


def _both(
    schema: OosSchema,
    store: Any,
    document: str,
    variables: dict[str, Any] | None = None,
    name: str | None = None,
) -> tuple[str, str]:
    settings = Settings(store="memory")

    async def run(execute: Any) -> str:
        try:
            result = await execute(
                schema,
                document,
                variable_values=variables,
                context_value=GraphQLContext(store, settings),
                operation_name=name,
            )
        except Exception as error:  # the router answers these
            return type(error).__name__
        return _json(result)

    direct = asyncio.run(run(OosSchema.execute))
    if schema._unnamed_choice(document, name) is not None:
        return direct, direct  # refused before either path, as documented
    return direct, asyncio.run(run(Schema.execute))


@pytest.mark.parametrize(("document", "variables", "name"), CASES.values(), ids=list(CASES))
def test_the_direct_path_answers_as_strawberry_does(
    schema: OosSchema, loaded: Any, document: str, variables: Any, name: str | None
) -> None:
    direct, strawberry = _both(schema, loaded, document, variables, name)
    assert direct == strawberry
    if name == "C":
        assert direct == "CannotGetOperationTypeError"


def test_only_checked_queries_take_the_direct_path(schema: OosSchema) -> None:
    plain = CASES["plain"][0]
    assert schema._runnable(plain, None, None) is not None
    assert schema._runnable(plain, None, {OperationType.MUTATION}) is None
    assert schema._runnable(CASES["invalid"][0], None, None) is None
    assert schema._runnable(CASES["syntax"][0], None, None) is None
    assert schema._runnable(TWO, "C", None) is None
    assert schema._runnable(TWO, "B", None) is not None


@pytest.mark.parametrize(
    ("error", "shown"),
    [(RuntimeError("secret path /etc/x"), MASKED_MESSAGE), (QueryError("said on purpose"), None)],
)
def test_resolver_errors_are_masked_and_logged_as_before(
    schema: OosSchema,
    loaded: Any,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    shown: str | None,
) -> None:
    store = Failing(loaded, "oos:registryId", error)
    document = "{ products { edges { node { brandName oosTrials { registryId } } } } }"
    with caplog.at_level(logging.DEBUG, logger="graphql_api.schema"):
        direct, strawberry = _both(schema, store, document)
    assert direct == strawberry
    messages = {e["message"] for e in json.loads(direct)["errors"]}
    assert messages == {shown or str(error)}
    assert "secret" not in direct
    logged = [r for r in caplog.records if r.name == "graphql_api.schema"]
    assert logged and all(
        (r.levelno == logging.ERROR) == isinstance(error, RuntimeError) for r in logged
    )


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Thing:
    name: str
    size: int | None
    colour: Colour | None
    tag: str


@strawberry.type
class Things:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [
            Thing(name="a", size=1, colour=Colour.RED, tag="x"),
            Thing(name="b", size=None, colour=None, tag=None),  # type: ignore[arg-type]
            Thing(name="c", size="many", colour="blue", tag="y"),  # type: ignore[arg-type]
        ]


def test_leaf_fields_completed_at_once_answer_and_fail_as_graphql_core_does() -> None:
    document = "{ things { name size colour tag } }"
    plain = Schema(query=Things)
    lean = Schema(query=Things, execution_context_class=LeanExecutor)
    lean_resolvers(lean._schema, lean.config.info_class, lean.config)
    lean_enums(lean._schema)
    for schema in (plain, lean):  # strawberry's path runs middleware: the shortcut stays off
        assert _json(asyncio.run(schema.execute(document))) == _json(
            asyncio.run(plain.execute(document))
        )
    document_node = parse(document)
    direct = execute(lean._schema, document_node, executor_class=LeanExecutor)
    reference = execute(plain._schema, document_node)
    assert direct.data == reference.data
    assert [(e.message, e.path) for e in direct.errors or []] == [
        (e.message, e.path) for e in reference.errors or []
    ]
    assert direct.data["things"][0] == {"name": "a", "size": 1, "colour": "RED", "tag": "x"}
    assert direct.data["things"][1] is None  # null on the non-null tag
    assert direct.data["things"][2] == {"name": "c", "size": None, "colour": None, "tag": "y"}
    assert {tuple(e.path or ()) for e in direct.errors or []} == {
        ("things", 1, "tag"),
        ("things", 2, "size"),
        ("things", 2, "colour"),
    }
