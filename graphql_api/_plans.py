"""Complete a whole subtree of a cached document with closures compiled once per document.

graphql-core completes every field of every object the same generic way: it builds a
``ResolveInfo`` and a ``Path``, looks the field up, gathers its arguments, asks whether the
value is awaitable, walks :meth:`complete_value` through the non-null, list and object
wrappers, and memoises the sub-selections of each object by the identity of their field list.
Once the root resolvers have fetched every link field ahead (:func:`graphql_api._links.prefetch`)
nothing below a root field awaits, so that walk is pure overhead: about half of what a small
document costs in graphql-core.

:func:`compiled` turns the selection of a field into one closure per field and type, the first
time the document runs: a leaf attribute is read and coerced, a list is a comprehension, an
object a dictionary built in selection order, a resolver called with its arguments (computed
once per run, or once for good when no variable is among them) and, when it asks for one, a
``ResolveInfo`` built once per field and run. The closures live on the document's operation
node, so a document cached by :class:`graphql_api._documents.PreparedDocuments` compiles once.

Only the ordinary case is compiled: fields only (no fragments, no directives, each response key
once), object, list, scalar and enum types, resolvers made direct by
:func:`graphql_api._lean.lean_resolvers`. Anything else, and anything unusual while completing
(an error raised or returned, ``None`` for a non-null field, a value a type refuses, an
awaitable: a link field left to the loaders), abandons the compiled completion
(:class:`Fallback`) and graphql-core completes the same value its own way, reporting whatever
went wrong as it always did. Resolvers only read what the root resolvers fetched, so running
them again costs time, never a different answer; an abandoned coroutine is closed, never left
pending. ``tests/graphql/test_plans.py`` holds the compiled completion to graphql-core's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutine
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    Undefined,
    ValueNode,
    VariableNode,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

if TYPE_CHECKING:
    from graphql.execution import Executor

__all__ = ["Fallback", "Run", "compiled", "has_variable"]


class Fallback(Exception):
    """The compiled completion cannot answer this value: graphql-core completes it."""


Completer = Callable[[Any, "Run"], Any]
"""Completes one value of a field's type for one run; raises :class:`Fallback`."""

_PLANS = "_oos_plans"  # the attribute of an operation node holding its compiled completions
_NOT_COMPILED = object()


class Run:
    """What the closures of one execution share: its executor, and the arguments and
    ``ResolveInfo`` of each field node, computed the first time an object needs them."""

    __slots__ = ("executor", "arguments", "infos")

    def __init__(self, executor: Executor[Any]) -> None:
        self.executor = executor
        self.arguments: dict[int, dict[str, Any]] = {}
        self.infos: dict[int, GraphQLResolveInfo[Any]] = {}

    def arguments_of(self, node: FieldNode, field: Any) -> dict[str, Any]:
        """The coerced arguments of ``node`` in this run (its variables).

        Raises:
            Fallback: when they do not coerce (graphql-core reports why).
        """
        found = self.arguments.get(id(node))
        if found is None:
            try:
                found = get_argument_values(field, node, self.executor.variable_values)
            except Exception as error:
                raise Fallback from error
            self.arguments[id(node)] = found
        return found

    def info_of(self, node: FieldNode, field: Any, parent: GraphQLObjectType) -> Any:
        """A ``ResolveInfo`` for ``node`` in this run; its path names the field only (a
        resolver that fails is run again by graphql-core, which reports the real path)."""
        found = self.infos.get(id(node))
        if found is None:
            key = node.alias.value if node.alias else node.name.value
            path = Path(None, key, parent.name)
            found = self.executor.build_resolve_info(field, [node], parent, path)
            self.infos[id(node)] = found
        return found


def compiled(
    operation: OperationDefinitionNode, node: FieldNode, return_type: GraphQLOutputType
) -> Completer | None:
    """The compiled completion of ``node``'s value as ``return_type``, or ``None`` when its
    selection is not the ordinary case; compiled the first time and kept on ``operation``."""
    plans: dict[tuple[int, int], Any] = vars(operation).setdefault(_PLANS, {})
    key = (id(node), id(return_type))
    plan = plans.get(key, _NOT_COMPILED)
    if plan is _NOT_COMPILED:
        plan = plans[key] = _completer(return_type, node)
    return plan  # type: ignore[no-any-return]


def _completer(type_: GraphQLOutputType, node: FieldNode) -> Completer | None:
    """The completer of a value of ``type_`` selected by ``node`` (``None``: not compiled)."""
    if isinstance(type_, GraphQLNonNull):
        inner = _completer(type_.of_type, node)
        if inner is None:
            return None

        def non_null(value: Any, run: Run) -> Any:
            completed = inner(value, run)
            if completed is None:
                raise Fallback
            return completed

        return non_null
    if isinstance(type_, GraphQLList):
        item = _completer(type_.of_type, node)
        if item is None:
            return None

        def many(value: Any, run: Run) -> Any:
            if value is None:
                return None
            if not isinstance(value, list | tuple):
                raise Fallback
            return [item(each, run) for each in value]

        return many
    if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
        coerce = type_.coerce_output_value

        def leaf(value: Any, run: Run) -> Any:
            del run
            if value is None:
                return None
            try:
                coerced = coerce(value)
            except Exception as error:
                raise Fallback from error
            if coerced is None or coerced is Undefined:
                raise Fallback
            return coerced

        return leaf
    if isinstance(type_, GraphQLObjectType) and node.selection_set is not None:
        return _object(type_, node)
    return None  # interfaces and unions: graphql-core resolves the runtime type


def _object(type_: GraphQLObjectType, node: FieldNode) -> Completer | None:
    """The completer of an object of ``type_`` with ``node``'s selection."""
    assert node.selection_set is not None
    fields: list[tuple[str, Callable[[Any, Run], Any], Completer]] = []
    seen: set[str] = set()
    for selection in node.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            return None
        key = selection.alias.value if selection.alias else selection.name.value
        if key in seen:  # graphql-core merges the two: left to it
            return None
        seen.add(key)
        name = selection.name.value
        if name == "__typename":
            fields.append((key, _constant(type_.name), _as_is))
            continue
        field = type_.fields.get(name)
        if field is None:
            return None
        getter = _getter(type_, field, selection)
        complete = _completer(field.type, selection)
        if getter is None or complete is None:
            return None
        fields.append((key, getter, complete))
    is_type_of = type_.is_type_of

    def complete_object(value: Any, run: Run) -> Any:
        if value is None:
            return None
        if is_type_of is not None:
            try:
                fits = is_type_of(value, None)  # type: ignore[arg-type]  # strawberry: unused
            except Exception as error:
                raise Fallback from error
            if fits is not True:
                raise Fallback
        return {key: complete(get(value, run), run) for key, get, complete in fields}

    return complete_object


def _getter(
    parent: GraphQLObjectType, field: Any, node: FieldNode
) -> Callable[[Any, Run], Any] | None:
    """What reads ``field``'s value from an object of ``parent`` (``None``: not compiled)."""
    resolve = field.resolve
    attribute = getattr(resolve, "attribute", None)
    if attribute is not None:  # _lean._attribute: a plain read

        def read(source: Any, run: Run) -> Any:
            del run
            try:
                value = getattr(source, attribute)
            except AttributeError as error:
                raise Fallback from error
            if isinstance(value, Exception):
                raise Fallback
            return value

        return read
    direct = getattr(resolve, "direct", None)
    if direct is None:  # strawberry's wrapper, or graphql-core's default: not compiled
        return None
    needs_info: bool = direct
    has_arguments = bool(field.args or node.arguments)
    constant: list[dict[str, Any]] = []  # the arguments, once, when no variable is among them
    fixed = has_arguments and not any(has_variable(a.value) for a in node.arguments or ())

    def call(source: Any, run: Run) -> Any:
        if not has_arguments:
            arguments: dict[str, Any] = {}
        elif constant:
            arguments = constant[0]
        else:
            arguments = run.arguments_of(node, field)
            if fixed:
                constant.append(arguments)
        info = run.info_of(node, field, parent) if needs_info else None
        try:
            value = resolve(source, info, **arguments)
        except Exception as error:
            raise Fallback from error
        if isinstance(value, Exception):
            raise Fallback
        if run.executor.is_awaitable(value):  # a link left to the loaders
            if iscoroutine(value):
                value.close()
            raise Fallback
        return value

    return call


def has_variable(value: ValueNode) -> bool:
    """Tell whether an argument's value refers to a variable anywhere inside it."""
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(has_variable(item.value) for item in value.fields)
    return False


def _constant(value: str) -> Callable[[Any, Run], Any]:
    def read(source: Any, run: Run) -> Any:
        del source, run
        return value

    return read


def _as_is(value: Any, run: Run) -> Any:
    del run
    return value
