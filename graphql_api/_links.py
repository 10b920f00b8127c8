"""Link fields, and fetching a whole subtree of them ahead, one level at a time.

A *link field* is a field whose value is the objects one key of the parent's record links to
(``Product.oosTrials``: the ``trial`` key, read by the ``trial`` type query). Resolved one
parent at a time, each link field awaits a data loader, which gathers the IRIs of every parent
on its level into one query: no N+1, but every object of every level goes through an awaitable
of its own and several turns of the event loop, which costs more than the store's queries for
a small document.

So a root resolver that has built its objects calls :func:`prefetch`, which walks the
document's selections below them level by level: on each level it gathers the IRIs of every
selected link field of every object, runs one query per type query, set of keys and filters
(the query the loaders would run for that level: the count of queries still depends on the
document's shape only), builds the children and hands them to their parent. The link field
then resolves synchronously (:func:`linked`), and graphql-core completes the whole tree
without awaiting anything. Whatever :func:`prefetch` does not cover (fragments, directives,
a response key selected twice) is left to the loaders, as before: the answers are the same
either way (``tests/graphql/test_prefetch.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLObjectType, SelectionNode
from graphql.execution.values import VariableValues, get_argument_values

from graphql_api._fields import keys_for
from graphql_api._records import Filters, Record, fetched_keys, kept_records, make_record
from graphql_api.context import OosInfo

__all__ = ["Link", "Linked", "link_fields", "linked", "prefetch", "register"]


@dataclass(frozen=True, slots=True)
class Link:
    """How a link field finds its objects.

    Attributes:
        query: the type query of the linked objects (``queries/<query>.rq``).
        key: the parent's record key holding their IRIs.
        target: the name of their class (registered with :func:`register`).
        many: a list (every IRI, sorted) or one object (the first IRI).
        extra: record keys the field reads itself, beyond the selected fields'.
        filters: the type query's filter values, from the field's arguments.
        finish: what the field does with the built objects, given its arguments (filter,
            sort); the objects are in the order of the parent's IRIs.
    """

    query: str
    key: str
    target: str
    many: bool = True
    extra: tuple[str, ...] = ()
    filters: Callable[[Mapping[str, Any]], Filters] | None = None
    finish: Callable[[list[Any], Mapping[str, Any]], list[Any]] | None = None


class Linked:
    """A type whose objects have a record and link fields; :func:`prefetch` fills
    ``prefetched`` (field node id -> the field's value) before graphql-core reaches them."""

    record: Record
    prefetched: dict[int, Any] | None = None


@dataclass(frozen=True, slots=True)
class _Failed:
    """A prefetch query failed: the link fields that needed it raise its error."""

    error: Exception


_MISSING = object()
_LINKS: dict[type, dict[str, Link]] = {}
_BUILDERS: dict[str, Callable[[Record], Any]] = {}


def register(cls: type, links: Mapping[str, Link] | None = None) -> None:
    """Declare ``cls`` and its link fields, by GraphQL name; a class with a ``from_record``
    becomes a link target, by its name."""
    builder = getattr(cls, "from_record", None)
    if builder is not None:
        _BUILDERS[cls.__name__] = builder
    if links:
        _LINKS[cls] = dict(links)


def link_fields(cls: type) -> Mapping[str, Link]:
    """Return the link fields registered for ``cls``, by GraphQL name."""
    return _LINKS.get(cls, {})


def _iris(record: Record, link: Link) -> list[str]:
    if link.many:
        return record.links(link.key)
    found = record.link(link.key)
    return [found] if found else []


def _value(link: Link, objects: list[Any], args: Mapping[str, Any]) -> Any:
    if link.finish is not None:
        objects = link.finish(objects, args)
    if link.many:
        return objects
    return objects[0] if objects else None


def linked(obj: Linked, info: OosInfo, args: Mapping[str, Any] | None = None) -> Any:
    """Resolve the link field ``info`` is about on ``obj``.

    Returns the prefetched value when :func:`prefetch` got it, otherwise an awaitable of it
    that loads through the loaders (graphql-core awaits what a resolver returns when it is
    awaitable). ``args``: the field's arguments, by GraphQL name.

    Raises:
        Exception: the error of the prefetch query this field needed, if it failed.
    """
    raw = info._raw_info
    done = obj.prefetched
    if done is not None:
        found = done.get(id(raw.field_nodes[0]), _MISSING)
        if found is not _MISSING:
            if isinstance(found, _Failed):
                raise found.error
            return found
    return _load(obj, info, _LINKS[type(obj)][raw.field_name], args or {})


async def _load(obj: Linked, info: OosInfo, link: Link, args: Mapping[str, Any]) -> Any:
    from graphql_api.types.common import load_objects

    found = await load_objects(
        info,
        link.query,
        _iris(obj.record, link),
        _BUILDERS[link.target],
        extra=link.extra,
        filters=link.filters(args) if link.filters is not None else (),
    )
    return _value(link, found, args)


def _plain_fields(selections: Sequence[SelectionNode]) -> list[FieldNode] | None:
    """The field nodes of one level that may be prefetched; ``None`` when the level holds a
    fragment (graphql-core merges its fields with the others: left to the loaders)."""
    fields: list[FieldNode] = []
    seen: dict[str, int] = {}
    for selection in selections:
        if not isinstance(selection, FieldNode):
            return None
        name = (selection.alias or selection.name).value
        seen[name] = seen.get(name, 0) + 1
        fields.append(selection)
    return [f for f in fields if seen[(f.alias or f.name).value] == 1 and not f.directives]


@dataclass(slots=True)
class _Pending:
    """One link field of one level: its parents, what they link to, and its query."""

    link: Link
    node: FieldNode
    args: Mapping[str, Any]
    filters: Filters
    query: tuple[str, frozenset[str] | None, Filters] | None  # None: nothing to fetch
    parents: list[tuple[Linked, list[str]]]


def _arguments(
    info: OosInfo, cls: type, node: FieldNode, variables: VariableValues
) -> Mapping[str, Any] | None:
    """The field's arguments by GraphQL name, as graphql-core coerces them; ``None`` when they
    do not coerce (graphql-core reports that when it reaches the field)."""
    definition = getattr(cls, "__strawberry_definition__", None)
    parent = info._raw_info.schema.get_type(definition.name) if definition else None
    if not isinstance(parent, GraphQLObjectType) or node.name.value not in parent.fields:
        return None
    field = parent.fields[node.name.value]
    if not field.args:
        return {}
    try:
        return get_argument_values(field, node, variables)
    except GraphQLError:
        return None


async def prefetch(
    info: OosInfo, roots: Iterable[tuple[Sequence[Any], Sequence[SelectionNode]]]
) -> None:
    """Fetch the link fields selected below ``roots`` ahead, level by level.

    Each root is a list of objects and the selections made on them. On every level, the
    link fields of all objects are fetched with one query per type query, set of keys and
    filters; a failed query is raised by the link fields that needed it.
    """
    if not info.context.prefetch:
        return
    raw = info._raw_info
    given: Any = raw.variable_values  # strawberry hands resolvers the coerced dict
    variables = given if isinstance(given, VariableValues) else VariableValues({}, given or {})
    loaders = info.context.loaders
    batched = _root_fields(info) > 1  # sibling roots share their queries through the loaders
    level = [(list(objects), selections) for objects, selections in roots]
    while level:
        pending: list[_Pending] = []
        wanted: dict[tuple[str, frozenset[str] | None, Filters], dict[str, None]] = {}
        for objects, selections in level:
            nodes = _plain_fields(selections) if objects else None
            if not nodes:
                continue
            by_class: dict[type, list[Linked]] = {}
            for obj in objects:
                by_class.setdefault(type(obj), []).append(obj)
            for cls, parents in by_class.items():
                table = _LINKS.get(cls)
                if not table:
                    continue
                for node in nodes:
                    link = table.get(node.name.value)
                    if link is None:
                        continue
                    args = _arguments(info, cls, node, variables)
                    if args is None:
                        continue
                    below = node.selection_set.selections if node.selection_set else ()
                    keys = keys_for(link.query, below, link.extra)
                    filters = link.filters(args) if link.filters is not None else ()
                    keys, needed = fetched_keys(keys, filters, known=True)
                    linked_iris = [(parent, _iris(parent.record, link)) for parent in parents]
                    query = (link.query, keys, filters) if needed else None
                    if query is not None:
                        group = wanted.setdefault(query, {})
                        for _, iris in linked_iris:
                            group.update(dict.fromkeys(iris))
                    pending.append(_Pending(link, node, args, filters, query, linked_iris))
        answers: dict[tuple[str, frozenset[str] | None, Filters], dict[str, Record] | _Failed] = {}
        for query, asked in wanted.items():
            if not asked:
                continue
            try:
                answers[query] = await loaders.fetch(*query, asked, batched=batched)
            except Exception as error:  # raised where the field resolves
                answers[query] = _Failed(error)
        level = []
        for item in pending:
            answer = answers.get(item.query) if item.query is not None else None
            build = _BUILDERS[item.link.target]
            children: list[Any] = []
            for parent, iris in item.parents:
                if isinstance(answer, _Failed) and iris:
                    value: Any = answer
                else:
                    if answer is None or isinstance(answer, _Failed):  # nothing to fetch
                        records = [make_record(iri, {}) for iri in iris]
                    else:
                        found = [answer.get(iri) for iri in iris]
                        records = kept_records(iris, found, item.filters, known=True)
                    objects = [build(record) for record in records]
                    value = _value(item.link, objects, item.args)
                    if item.link.many:
                        children.extend(value)
                    elif value is not None:
                        children.append(value)
                if parent.prefetched is None:
                    parent.prefetched = {}
                parent.prefetched[id(item.node)] = value
            if children and item.node.selection_set is not None:
                level.append((children, item.node.selection_set.selections))


def _root_fields(info: OosInfo) -> int:
    """Count the root fields of the operation (a fragment counts as two)."""
    count = 0
    for selection in info._raw_info.operation.selection_set.selections:
        count += 1 if isinstance(selection, FieldNode) else 2
    return count
