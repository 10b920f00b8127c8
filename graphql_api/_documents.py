"""Every check a document passes before it runs, done once per document text and remembered.

Parsing (with the token limit), the fragment expansion count, and validation with the depth
and alias limits all depend on the text alone, so :class:`PreparedDocuments` runs them on the
first request with a text and keeps the outcome (the parsed document and its errors) in a
bounded LRU cache; later requests with the same text only look it up. Strawberry's own
``ValidationCache`` cannot do this here: its key holds the validation rules, and the depth
and alias limiters make new rule classes for every request, so it never hit.

:class:`RequestChecks` is the one schema extension that hands the prepared outcome to
strawberry and masks unexpected resolver errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
)
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.schema import validate_document

from graphql_api._expansion import MAX_EXPANDED_FIELDS, expanded_fields
from graphql_api.errors import MASKED_MESSAGE, should_mask
from oos_kg.settings import Settings

__all__ = ["MULTIPLE_OPERATIONS", "Prepared", "PreparedDocuments", "RequestChecks"]

MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."
"""graphql-core's message for a document of several operations sent without a name."""

CACHE_SIZE = 256
"""Documents remembered; each is at most the token limit, so the cache stays small."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the checks found for one document text.

    Attributes:
        document: the parsed document; ``None`` when the text does not parse (strawberry
            then parses it again and reports the syntax or token error itself).
        errors: the validation and limit errors; empty when the document may run.
        operations: how many operations the document defines.
    """

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    operations: int


class PreparedDocuments:
    """Parse, limit-check and validate a document once per text (LRU-cached).

    Args:
        settings: the limits (tokens, depth, aliases).
        max_fields: the most fields a document may expand to through its fragments.
    """

    def __init__(self, settings: Settings, max_fields: int = MAX_EXPANDED_FIELDS) -> None:
        self.max_tokens = settings.graphql_max_tokens
        self.max_fields = max_fields
        self.rules: tuple[type[ASTValidationRule], ...] = (
            *specified_rules,
            *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
        )
        self.schema: GraphQLSchema | None = None  # set by the schema once it is built
        self.get = lru_cache(maxsize=CACHE_SIZE)(self._prepare)

    def _prepare(self, text: str) -> Prepared:
        try:
            document = parse(text, max_tokens=self.max_tokens)
        except (GraphQLError, RecursionError):
            return Prepared(None, (), 0)
        return self.check(document)

    def check(self, document: DocumentNode) -> Prepared:
        """Run the expansion count and validation (with the limits) on ``document``."""
        operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
        try:
            fields = expanded_fields(document)
            if fields > self.max_fields:  # the other rules would walk every spread anew
                message = (
                    f"the document expands to {fields} fields through its fragments;"
                    f" the limit is {self.max_fields}"
                )
                return Prepared(document, (GraphQLError(message),), operations)
            assert self.schema is not None, "PreparedDocuments.schema is set by OosSchema"
            errors = validate_document(self.schema, document, self.rules)
        except RecursionError:
            message = "the document is nested too deeply"
            return Prepared(document, (GraphQLError(message),), operations)
        return Prepared(document, tuple(errors), operations)


class RequestChecks(MaskErrors):
    """Hand strawberry the prepared document and its errors; mask unexpected errors.

    A document over a limit or invalid gets its errors before anything runs, as validation
    errors; a resolver exception that is not an expected error reaches the client as
    :data:`~graphql_api.errors.MASKED_MESSAGE` (the schema logs it with its traceback).
    """

    def __init__(self, documents: PreparedDocuments) -> None:
        super().__init__(should_mask_error=should_mask, error_message=MASKED_MESSAGE)
        self.documents = documents
        self.prepared: Prepared | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.documents.max_tokens
        if context.graphql_document is None and context.query:
            self.prepared = self.documents.get(context.query)
            context.graphql_document = self.prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        prepared = self.prepared
        document = context.graphql_document
        if document is not None and (prepared is None or prepared.document is not document):
            prepared = self.documents.check(document)  # parsed elsewhere: check it uncached
        if prepared is not None:
            context.pre_execution_errors = list(prepared.errors)
        yield
