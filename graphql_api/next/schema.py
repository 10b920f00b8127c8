"""The schema: the ``Query`` root, its limits and error masking, built from the settings."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from graphql_api.next.product_queries import ProductQueries
from graphql_api.next.regulation_queries import RegulationQueries
from oos_kg.settings import Settings

__all__ = ["Query", "build_schema"]


@strawberry.type
class Query(ProductQueries, RegulationQueries):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    """Build the schema with the limits of ``settings``.

    Raises:
        strawberry.exceptions.StrawberryException: when the types do not make a valid schema.
    """
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(batching_config={"max_operations": settings.graphql_max_batch}),
    )
