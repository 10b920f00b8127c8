"""Which GraphQL errors reach the client as they are, and which are masked."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from oos_kg.errors import OosKgError

__all__ = ["MASKED_MESSAGE", "is_expected", "should_mask"]

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


def should_mask(error: GraphQLError) -> bool:
    """Return whether to replace ``error``'s message (the opposite of :func:`is_expected`)."""
    return not is_expected(error)
