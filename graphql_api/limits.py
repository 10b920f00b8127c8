"""Count the fields a document stands for once its fragment spreads are expanded.

Each fragment below spreads the one before it twice, so thirty short lines stand for 2**30
fields. graphql-core executes that in linear time, but strawberry's ``QueryDepthLimiter``
and ``MaxAliasesLimiter`` walk every spread anew: such a document kept a worker busy for
hours. :func:`expanded_fields` counts the expanded fields once per fragment (memoised, linear
in the document); :class:`DocumentChecks` refuses a document over the limit before those
rules run.

    fragment F0 on Query { __typename }
    fragment F1 on Query { ...F0 ...F0 }
    ...
    fragment F30 on Query { ...F29 ...F29 }
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
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

__all__ = ["MAX_EXPANDED_FIELDS", "DocumentChecks", "expanded_fields"]

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
    """Refuse, before validation, a document that expands to over ``max_fields`` fields or is
    nested too deeply to count (the validation rules would walk it for hours)."""

    def __init__(self, max_fields: int = MAX_EXPANDED_FIELDS) -> None:
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            try:
                fields = expanded_fields(document)
            except RecursionError:
                context.pre_execution_errors = [GraphQLError("the document is nested too deeply")]
            else:
                if fields > self.max_fields:
                    message = (
                        f"the document expands to {fields} fields through its fragments;"
                        f" the limit is {self.max_fields}"
                    )
                    context.pre_execution_errors = [GraphQLError(message)]
        yield
