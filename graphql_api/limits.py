"""The checks a document passes before it runs, each text checked once.

A fragment spreading the one before it twice, thirty times over (``fragment F1 on Query
{ ...F0 ...F0 }``...), stands for 2**30 fields: strawberry's ``QueryDepthLimiter`` and
``MaxAliasesLimiter`` walk every spread anew and kept a worker busy for hours on it.
:func:`expanded_fields` counts them once per fragment; :class:`DocumentChecks` refuses such a
document before those rules run.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

__all__ = ["MAX_EXPANDED_FIELDS", "DocumentCache", "DocumentChecks", "expanded_fields"]

MAX_EXPANDED_FIELDS = 10_000
"""Fields a document may stand for once its fragments are spread; hand-written queries,
even with fragments reused, stay far below."""


def expanded_fields(document: DocumentNode) -> int:
    """Return how many fields the largest operation of ``document`` stands for.

    Spreads of unknown fragments and fragment cycles count nothing here; validation
    reports them.

    Raises:
        RecursionError: for a document nested too deeply to count.
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, int] = {}

    def count(selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += 1 + count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += spread(selection.name.value)
        return total

    def spread(name: str) -> int:
        if name not in memo:
            fragment = fragments.get(name)
            memo[name] = 0  # a cycle back here counts nothing
            memo[name] = count(fragment.selection_set) if fragment else 0
        return memo[name]

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return max((count(op.selection_set) for op in operations), default=0)


class DocumentChecks(SchemaExtension):
    """Parse and check each document text once (an LRU of ``documents``, shared by the
    requests): a known text gets its parsed document and its errors back, and strawberry
    neither parses nor validates it again. A new text is parsed with the token limit, refused
    before validation when it expands to over ``max_fields`` fields or is nested too deeply to
    count (the validation rules would walk it for hours), otherwise validated by strawberry
    with the depth and alias limits added to its rules; the outcome is kept.

    Args:
        documents: the cache, text -> (document, errors), kept by the schema.
        max_fields: the most fields a document may expand to through its fragments.
    """

    def __init__(self, documents: DocumentCache, max_fields: int = MAX_EXPANDED_FIELDS) -> None:
        self.documents = documents
        self.max_fields = max_fields

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.documents.max_tokens
        known = self.documents.get(context.query) if context.query else None
        if known is not None and context.graphql_document is None:
            context.graphql_document = known[0]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        text, document = context.query, context.graphql_document
        known = self.documents.get(text) if text else None
        if known is not None and known[0] is document:
            context.pre_execution_errors = list(known[1])
        elif document is not None:
            context.pre_execution_errors = self._expansion_errors(document)
            context.validation_rules = (*context.validation_rules, *self.documents.rules)
        yield
        if text and document is not None and known is None:
            self.documents.put(text, document, context.pre_execution_errors or [])

    def _expansion_errors(self, document: DocumentNode) -> list[GraphQLError] | None:
        try:
            fields = expanded_fields(document)
        except RecursionError:
            return [GraphQLError("the document is nested too deeply")]
        if fields > self.max_fields:
            message = (
                f"the document expands to {fields} fields through its fragments;"
                f" the limit is {self.max_fields}"
            )
            return [GraphQLError(message)]
        return None  # strawberry validates it


class DocumentCache(dict[str, tuple[DocumentNode, tuple[GraphQLError, ...]]]):
    """The last ``size`` document texts with their parsed document and errors, and the limits
    they are checked against: ``max_tokens`` when parsed, the validation ``rules`` (depth and
    aliases) when validated."""

    def __init__(
        self, max_tokens: int, rules: tuple[type[ASTValidationRule], ...], size: int = 256
    ) -> None:
        super().__init__()
        self.max_tokens, self.rules, self.size = max_tokens, rules, size

    def put(self, text: str, document: DocumentNode, errors: list[GraphQLError]) -> None:
        """Keep ``text``'s document and errors, forgetting the oldest text over the size."""
        if len(self) >= self.size:
            del self[next(iter(self))]
        self[text] = (document, tuple(errors))
