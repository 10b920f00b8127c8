"""Call the resolvers of nested fields directly, without strawberry's per-call wrapper.

For every field with a resolver, strawberry's wrapper builds an ``Info``, converts each
argument through its generic converter (walking the argument's type every time), and chains
the field extensions, on every call: for ``label(lang)`` on each product of a page, that is
most of the field's time. graphql-core has already coerced the arguments of a leaf type
(scalars as Python values, strawberry's enums as their members), so for a field whose
arguments are all leaves and that has no extensions, the conversion changes nothing; such a
field gets a resolver that calls the method at once. Fields without a resolver get a plain
attribute read. Everything else (root fields, input objects, lists) keeps strawberry's wrapper.
Enum values are written out by a dictionary lookup (:func:`lean_enums`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField

__all__ = ["lean_enums", "lean_resolvers"]

_LEAVES = (str, int, float, bool, strawberry.ID)
_BACKREF = "strawberry-definition"


def _is_leaf(type_: object) -> bool:
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, StrawberryList):
        return False
    if type_ in _LEAVES or isinstance(type_, StrawberryEnumDefinition):
        return True
    return isinstance(getattr(type_, "__strawberry_definition__", None), StrawberryEnumDefinition)


def _attribute(name: str) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        del info
        return getattr(source, name)

    return resolve


def _direct(field: StrawberryField, info_class: type) -> Callable[..., Any] | None:
    """The direct resolver of ``field``, or ``None`` when strawberry's wrapper must stay."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.is_subscription:
        return None
    if resolver.self_parameter is None or resolver.root_parameter or resolver.parent_parameter:
        return None
    if not all(_is_leaf(argument.type) for argument in field.arguments):
        return None
    renamed = {
        argument.graphql_name: argument.python_name
        for argument in field.arguments
        if argument.graphql_name and argument.graphql_name != argument.python_name
    }
    if renamed:
        return None
    function = resolver._unbound_wrapped_func
    info_parameter = resolver.info_parameter
    if info_parameter is None:

        def resolve(source: Any, info: GraphQLResolveInfo[Any], **kwargs: Any) -> Any:
            del info
            return function(source, **kwargs)

        return resolve
    info_name = info_parameter.name

    def resolve_with_info(source: Any, info: GraphQLResolveInfo[Any], **kwargs: Any) -> Any:
        kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return function(source, **kwargs)

    return resolve_with_info


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


def lean_resolvers(schema: GraphQLSchema, info_class: type, skip: tuple[str, ...] = ()) -> int:
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
                    graphql_field.resolve = _attribute(field.python_name)
                    count += 1
                continue
            direct = _direct(field, info_class)
            if direct is not None:
                graphql_field.resolve = direct
                count += 1
    return count
