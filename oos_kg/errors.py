"""The one exception hierarchy of oos-kg, and how each maps to HTTP and to CLI exit codes.

::

    OosKgError                      (500 / exit 1)   base; never shown with a traceback
    +-- InputError                  (400 / exit 2)   the caller sent something we cannot use
    |   +-- RdfSyntaxError          (400 / exit 2)   with file, line and column when known
    |   +-- QueryError              (400 / exit 2)   malformed or refused SPARQL / GraphQL
    |   +-- UnsupportedMediaType    (415 / exit 2)
    |   +-- NotAcceptable           (406 / exit 2)
    +-- LimitExceeded               (413 / exit 2)
    |   +-- PayloadTooLarge         (413 / exit 2)
    |   +-- QueryTimeout            (503 / exit 1)
    |       +-- RemoteTimeout       (504 / exit 1)   a remote store ran over the limit
    +-- StoreError                  (503 / exit 1)
    |   +-- StoreUnavailable        (503 / exit 1)
    |   +-- IncompleteAnswer        (502 / exit 1)   a remote store's answer is not whole
    +-- InconsistentGraph           (500 / exit 1)   HermiT found the graph inconsistent
"""

from __future__ import annotations

__all__ = [
    "IncompleteAnswer",
    "InconsistentGraph",
    "InputError",
    "LimitExceeded",
    "NotAcceptable",
    "OosKgError",
    "PayloadTooLarge",
    "QueryError",
    "QueryTimeout",
    "RdfSyntaxError",
    "RemoteTimeout",
    "StoreError",
    "StoreUnavailable",
    "UnsupportedMediaType",
]


class OosKgError(Exception):
    """Base of every error oos-kg raises on purpose.

    Attributes:
        code: a stable, machine-readable error code for the JSON error body.
        status: the HTTP status the API answers with.
        exit_code: the CLI exit code.
    """

    code = "internal_error"
    status = 500
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, dict[str, str]]:
        """Return the JSON error body ``{"error": {"code": ..., "message": ...}}``."""
        return {"error": {"code": self.code, "message": self.message}}


class InputError(OosKgError):
    """The caller sent input we cannot use."""

    code = "bad_request"
    status = 400
    exit_code = 2


class RdfSyntaxError(InputError):
    """RDF that does not parse; names the file (or body), line and column when known.

    >>> str(RdfSyntaxError("expected '.'", source="products.ttl", line=412, column=17))
    "products.ttl:412:17: expected '.'"
    """

    code = "rdf_syntax_error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        where = ":".join(str(p) for p in (source, line, column) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)


class QueryError(InputError):
    """A query (SPARQL or GraphQL) that is malformed or refused."""

    code = "query_error"


class UnsupportedMediaType(InputError):
    """A request body in a media type we do not parse."""

    code = "unsupported_media_type"
    status = 415


class NotAcceptable(InputError):
    """No format we can produce fits the request's Accept header."""

    code = "not_acceptable"
    status = 406


class LimitExceeded(OosKgError):
    """A request went over a configured limit."""

    code = "limit_exceeded"
    status = 413
    exit_code = 2


class PayloadTooLarge(LimitExceeded):
    """A request body over the size limit."""

    code = "payload_too_large"


class QueryTimeout(LimitExceeded):
    """A query that ran past its time limit and was stopped."""

    code = "query_timeout"
    status = 503
    exit_code = 1


class RemoteTimeout(QueryTimeout):
    """A remote store's query ran past the time limit (its own, or ours while we waited).

    504: the service is a gateway to that store, and the store took too long.
    """

    status = 504


class StoreError(OosKgError):
    """The store failed to do what was asked."""

    code = "store_error"
    status = 503
    exit_code = 1


class StoreUnavailable(StoreError):
    """The store cannot be reached (remote server down, store not loaded)."""

    code = "store_unavailable"


class IncompleteAnswer(StoreError):
    """A remote store's answer that cannot be shown to be whole: a status other than 200, a
    document that does not parse to its end, an error text after it, or the engine's own
    signal of a partial or capped result. Never relayed as an answer.
    """

    code = "incomplete_answer"
    status = 502


class InconsistentGraph(OosKgError):
    """The ontology and data are logically inconsistent, or the reasoner could not run."""

    code = "inconsistent_graph"
