"""oos-kg: knowledge graph and query service for out-of-specification (OOS) autologous products."""

from __future__ import annotations

from oos_kg.errors import (
    InputError,
    LimitExceeded,
    NotAcceptable,
    OosKgError,
    PayloadTooLarge,
    QueryError,
    QueryTimeout,
    RdfSyntaxError,
    StoreError,
    StoreUnavailable,
    UnsupportedMediaType,
)

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "LimitExceeded",
    "NotAcceptable",
    "OosKgError",
    "PayloadTooLarge",
    "QueryError",
    "QueryTimeout",
    "RdfSyntaxError",
    "StoreError",
    "StoreUnavailable",
    "UnsupportedMediaType",
    "__version__",
]
