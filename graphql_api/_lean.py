"""Call the resolvers of nested fields directly, without strawberry's per-call wrapper.

For every field with a resolver, strawberry's wrapper builds an ``Info``, converts each
argument through its generic converter (walking the argument's type every time), and chains
the field extensions, on every call: for ``label(lang)`` on each product of a page, that is
most of the field's time. graphql-core has already coerced the arguments of a leaf type
(scalars as Python values, strawberry's enums as their members), so for a field whose
arguments are all leaves and that has no extensions, the conversion changes nothing; such a
field gets a resolver that calls the method at once. Lists of leaves are copied and input
objects of leaves built as strawberry builds them (``ProductFilter``), arguments renamed as
declared (``from``). Fields without a resolver get a plain attribute read. Anything else
(nested inputs, field extensions) keeps strawberry's wrapper.
Enum values are written out by a dictionary lookup (:func:`lean_enums`).
The arguments of a field node whose arguments hold no variable are coerced once per cached
document rather than on every request (:func:`keep_constant_arguments`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import MISSING
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryList, StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField

from graphql_api._plans import Fallback, Run, compiled, has_variable

__all__ = ["LeanExecutor", "keep_constant_arguments", "lean_enums", "lean_resolvers"]

_LEAVES = (str, int, float, bool, strawberry.ID, dt.date, dt.datetime, dt.time, Decimal, UUID)
_BACKREF = "strawberry-definition"


def _is_leaf(type_: object) -> bool:
    """Tell whether graphql-core hands a value of ``type_`` over as strawberry's converter
    would return it (scalars parsed, enums as members), ``None`` allowed."""
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, StrawberryList):
        return False
    if type_ in _LEAVES or isinstance(type_, StrawberryEnumDefinition):
        return True
    return isinstance(getattr(type_, "__strawberry_definition__", None), StrawberryEnumDefinition)


def _attribute(name: str, graphql_type: GraphQLOutputType) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        del info
        return getattr(source, name)

    resolve.attribute = name  # type: ignore[attr-defined]  # for graphql_api._plans
    nullable = not isinstance(graphql_type, GraphQLNonNull)
    inner = graphql_type if nullable else graphql_type.of_type  # type: ignore[union-attr]
    if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        resolve.leaf = (name, inner, nullable)  # type: ignore[attr-defined]  # for LeanExecutor
    return resolve


class _NotLean(Exception):
    """An argument type the direct resolvers do not convert: strawberry's wrapper stays."""


Convert = Callable[[Any], Any]


def _copy(value: Any) -> Any:
    # strawberry copies a list of leaves: graphql-core may hand every request the same default
    return None if value is None else list(value)


def _converter(type_: object, config: StrawberryConfig) -> Convert | None:
    """Return what turns graphql-core's value of an argument of ``type_`` into strawberry's
    (``None``: the value as it is).

    Raises:
        _NotLean: for a type this does not convert (strawberry's wrapper must).
    """
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if _is_leaf(type_):
        return None
    if isinstance(type_, StrawberryList):
        if _is_leaf(type_.of_type):
            return _copy
        raise _NotLean
    definition = getattr(type_, "__strawberry_definition__", None)
    if (
        not isinstance(definition, StrawberryObjectDefinition)
        or not definition.is_input
        or definition.from_input is not None
        or not isinstance(type_, type)
    ):
        raise _NotLean
    fields: list[tuple[str, str, bool]] = []
    for field in definition.fields:
        if _converter(field.resolve_type(type_definition=definition), config) is not None:
            raise _NotLean  # only inputs of leaves
        required = field.default_value is MISSING and field.default_factory is MISSING
        fields.append((config.name_converter.from_field(field), field.python_name, required))
    build = type_

    def convert(value: Any) -> Any:
        if value is None:
            return None
        kwargs = {python: None for _, python, required in fields if required}
        for name, python, _ in fields:
            if name in value:
                kwargs[python] = value[name]
        return build(**kwargs)

    return convert


def _direct(
    field: StrawberryField, info_class: type, config: StrawberryConfig
) -> Callable[..., Any] | None:
    """The direct resolver of ``field``, or ``None`` when strawberry's wrapper must stay."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.is_subscription:
        return None
    if resolver.self_parameter is None or resolver.root_parameter or resolver.parent_parameter:
        return None
    table: dict[str, tuple[str, Convert | None]] = {}
    try:
        for argument in field.arguments:
            name = config.name_converter.from_argument(argument)
            table[name] = (argument.python_name, _converter(argument.type, config))
    except _NotLean:
        return None
    function = resolver._unbound_wrapped_func
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    as_given = all(name == python and convert is None for name, (python, convert) in table.items())

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **kwargs: Any) -> Any:
        if not as_given:
            converted = {}
            for name, value in kwargs.items():
                python, convert = table[name]
                converted[python] = value if convert is None else convert(value)
            kwargs = converted
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return function(source, **kwargs)

    resolve.direct = info_name is not None  # type: ignore[attr-defined]  # for _plans: needs info
    return resolve


def lean_enums(schema: GraphQLSchema) -> int:
    """Give every enum type of ``schema`` that strawberry made from a Python enum an output
    coercion by dictionary (strawberry's compares the value with each member's in turn);
    return how many. Anything that is not a member goes to strawberry's, as before."""
    count = 0
    for graphql_type in schema.type_map.values():
        wrapped = getattr(graphql_type, "wrapped_cls", None)
        if not isinstance(graphql_type, GraphQLEnumType) or wrapped is None:
            continue
        names = {
            member: name
            for name, value in graphql_type.values.items()
            for member in wrapped
            if member.value == value.value
        }
        graphql_type.coerce_output_value = _by_member(  # type: ignore[method-assign,assignment]
            names, graphql_type.coerce_output_value
        )
        count += 1
    return count


def _by_member(names: dict[Any, str], fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def coerce_output_value(output_value: Any) -> Any:
        try:
            return names[output_value]
        except (KeyError, TypeError):
            return fallback(output_value)

    return coerce_output_value


_ARGUMENTS = "_oos_arguments"  # the attribute of a field node holding its coerced arguments


def keep_constant_arguments() -> bool:
    """Make graphql-core's executor coerce the arguments of a field node that holds no
    variable once, keeping them on the node (the document is cached, and its nodes with it),
    rather than on every request: a root field's input object (``products(filter: ...)``)
    costs 15-25 us to coerce. Return whether the executor was changed by this call.

    The executor reads ``get_argument_values`` from its module on every field; the wrapper
    answers as graphql-core does (a value that does not coerce raises each time, as before:
    only coerced values are kept), for the same field definition, outside fragments with
    variables of their own.
    """
    from graphql.execution import executor

    original = getattr(executor, "get_argument_values", None)
    if original is None or getattr(original, "keeps_constants", False):
        return False

    def get_argument_values(
        type_def: Any,
        node: Any,
        variable_values: Any = None,
        fragment_variable_values: Any = None,
        hide_suggestions: bool = False,
    ) -> dict[str, Any]:
        if fragment_variable_values is None:
            kept = vars(node).get(_ARGUMENTS)
            if kept is not None and kept[0] is type_def:
                return kept[1]  # type: ignore[no-any-return]
        values: dict[str, Any] = original(
            type_def, node, variable_values, fragment_variable_values, hide_suggestions
        )
        if fragment_variable_values is None and not any(
            has_variable(argument.value) for argument in node.arguments or ()
        ):
            vars(node)[_ARGUMENTS] = (type_def, values)
        return values

    get_argument_values.keeps_constants = True  # type: ignore[attr-defined]
    setattr(executor, "get_argument_values", get_argument_values)  # noqa: B010
    return True


def lean_resolvers(
    schema: GraphQLSchema, info_class: type, config: StrawberryConfig, skip: tuple[str, ...] = ()
) -> int:
    """Give the fields of every object type of ``schema`` (but those named in ``skip``) a
    direct resolver where strawberry's wrapper would change nothing; return how many."""
    count = 0
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name in skip:
            continue
        if graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            if field.is_basic_field:
                if getattr(graphql_field.resolve, "_is_default", False):
                    graphql_field.resolve = _attribute(field.python_name, graphql_field.type)
                    count += 1
                continue
            direct = _direct(field, info_class, config)
            if direct is not None:
                graphql_field.resolve = direct
                count += 1
    return count


class LeanExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, completing a field that reads a leaf attribute at once.

    For every field graphql-core builds a ``ResolveInfo``, coerces the arguments, calls the
    resolver and walks :meth:`complete_value`; most fields of our documents only read an
    attribute holding a string, number or enum. When the resolver is the plain attribute read
    of :func:`lean_resolvers`, no middleware runs and the value coerces without trouble, the
    coerced value is returned directly; anything else (``None`` on a non-null field, a value
    the type refuses, a missing attribute) goes through graphql-core's own path, which then
    reports it as it always did.
    """

    compile_plans = True
    """Complete objects by the document's compiled closures (:mod:`graphql_api._plans`)."""

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        if self.middleware_manager is None:
            field_def = parent_type.fields.get(field_details_list[0].node.name.value)
            leaf = getattr(field_def.resolve, "leaf", None) if field_def is not None else None
            if leaf is not None:
                name, leaf_type, nullable = leaf
                try:
                    value = getattr(source, name)
                except AttributeError:
                    value = Undefined
                if value is None:
                    if nullable:
                        return None
                elif value is not Undefined and not isinstance(value, Exception):
                    try:
                        coerced = leaf_type.coerce_output_value(value)
                    except Exception:  # graphql-core reports it below
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        """Complete an object or a list of objects by the document's compiled closures
        (:mod:`graphql_api._plans`) when it can; anything else as graphql-core does."""
        if (
            self.compile_plans
            and self.middleware_manager is None
            and result is not None
            and len(field_details_list) == 1
            and not isinstance(result, Exception)
        ):
            details = field_details_list[0]
            node = details.node
            if node.selection_set is not None and details.fragment_variable_values is None:
                plan = compiled(self.operation, node, return_type)
                if plan is not None:
                    try:
                        return plan(result, Run(self))
                    except Fallback:
                        pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )
