"""Schemathesis over the service's own OpenAPI document and its GraphQL schema: whatever the
generated requests hold, no answer is a 5xx. Bounded (few examples per operation, derandomised)
so the run stays within seconds.

The schemas are loaded from the running service, and each operation's strategy is driven by
hypothesis here (schemathesis' lazy pytest loader does not run on pytest 9).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from live_service import Service

BOUNDED = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def run_operations(schema: Any) -> list[str]:
    """Call every operation of ``schema`` with generated cases; return the operations run.

    Raises:
        AssertionError: an answer was a 5xx or carried a traceback.
    """
    names = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names.append(operation.label)

        @BOUNDED
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(timeout=30)
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            assert "Traceback" not in response.text

        call()
    return names


def test_no_openapi_operation_answers_5xx(server: Service) -> None:
    names = run_operations(schemathesis.openapi.from_url(f"{server.url}/openapi.json"))
    assert {"POST /sparql", "POST /sparql/update", "POST /validate"} <= set(names)


def test_no_graphql_field_answers_5xx(server: Service) -> None:
    names = run_operations(schemathesis.graphql.from_url(f"{server.url}/graphql"))
    assert len(names) > 10
