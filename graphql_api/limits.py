"""The checks a document passes before it runs, each text checked once."""

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

__all__ = ["MAX_EXPANDED_FIELDS", "DocumentChecks", "Documents", "expanded_fields"]

MAX_EXPANDED_FIELDS = 10_000
"""Fields a document may stand for once its fragments are spread; hand-written queries,
even with fragments reused, stay far below."""
DOCUMENTS_KEPT = 256
Documents = dict[str, tuple[DocumentNode, tuple[GraphQLError, ...]]]
"""Document text -> its parsed document and errors."""


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
            if isinstance(selection, FieldNode | InlineFragmentNode):
                total += isinstance(selection, FieldNode) + count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                if (name := selection.name.value) not in memo:
                    memo[name] = 0  # a cycle back here counts nothing
                    memo[name] = count(fragments[name].selection_set) if name in fragments else 0
                total += memo[name]
        return total

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return max((count(op.selection_set) for op in operations), default=0)


class DocumentChecks(SchemaExtension):
    """Parse and check each document text once, the outcome kept in ``documents`` (shared by
    the requests, the last :data:`DOCUMENTS_KEPT` texts): a known text gets its parsed document
    and its errors back. A new text is parsed with ``max_tokens``, refused before validation
    when it expands to over :data:`MAX_EXPANDED_FIELDS` fields or is nested too deeply to
    count (strawberry's depth and alias rules walk each spread anew: 2**30 fields for thirty
    fragments each spreading the one before twice), else validated with ``rules`` added."""

    def __init__(
        self, documents: Documents, max_tokens: int, rules: tuple[type[ASTValidationRule], ...]
    ) -> None:
        self.documents, self.max_tokens, self.rules = documents, max_tokens, rules

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
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
            context.pre_execution_errors = _expansion_errors(document)
            context.validation_rules = (*context.validation_rules, *self.rules)
        yield
        if text and document is not None and known is None:
            if len(self.documents) >= DOCUMENTS_KEPT:
                del self.documents[next(iter(self.documents))]
            self.documents[text] = (document, tuple(context.pre_execution_errors or []))


def _expansion_errors(document: DocumentNode) -> list[GraphQLError] | None:
    try:
        fields = expanded_fields(document)
    except RecursionError:
        return [GraphQLError("the document is nested too deeply")]
    if fields > MAX_EXPANDED_FIELDS:
        message = (
            f"the document expands to {fields} fields through its fragments;"
            f" the limit is {MAX_EXPANDED_FIELDS}"
        )
        return [GraphQLError(message)]
    return None  # strawberry validates it
