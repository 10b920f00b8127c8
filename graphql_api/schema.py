"""The schema: the ``Query`` root, its limits and error masking, built from the settings."""

from __future__ import annotations

import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from graphql_api.limits import DocumentChecks, Documents
from graphql_api.product_queries import ProductQueries
from graphql_api.regulation_queries import RegulationQueries
from oos_kg.errors import OosKgError
from oos_kg.settings import Settings

__all__ = ["MASKED_MESSAGE", "OosSchema", "Query", "build_schema", "is_expected"]

logger = logging.getLogger(__name__)

MASKED_MESSAGE = "Internal error while resolving this field; it has been logged."


def is_expected(error: GraphQLError) -> bool:
    """Tell whether ``error`` says something the client should read.

    Request-level errors (syntax, validation, limits, variable coercion: no ``path``) and errors
    raised on purpose (:class:`OosKgError`, :class:`GraphQLError`) are expected; any other
    exception from a resolver is a bug whose text may leak internals.
    """
    original = error.original_error
    if not error.path or original is None:
        return True
    return isinstance(original, OosKgError | GraphQLError)


@strawberry.type
class Query(ProductQueries, RegulationQueries):
    """The root: the products side and the regulation side."""


class OosSchema(strawberry.Schema):
    """The schema, logging unexpected errors with their traceback and the rest quietly."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        del execution_context  # strawberry's signature; the errors say all we log
        for error in errors:
            if is_expected(error):
                logger.debug("GraphQL error: %s", error.message)
            else:
                logger.error("GraphQL resolver failed", exc_info=error.original_error)


def build_schema(settings: Settings) -> OosSchema:
    """Build the schema with the limits of ``settings``: tokens, fragment expansion, depth and
    aliases refuse a document before it runs, each text checked once; unexpected resolver
    errors are masked.

    Raises:
        strawberry.exceptions.StrawberryException: when the types do not make a valid schema.
    """
    limits = (
        QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
    )
    rules = tuple(rule for limit in limits for rule in limit.validation_rules)
    documents: Documents = {}
    return OosSchema(
        query=Query,
        extensions=[
            partial(DocumentChecks, documents, settings.graphql_max_tokens, rules),
            partial(
                MaskErrors,
                should_mask_error=lambda error: not is_expected(error),
                error_message=MASKED_MESSAGE,
            ),
        ],
        config=StrawberryConfig(batching_config={"max_operations": settings.graphql_max_batch}),
    )
