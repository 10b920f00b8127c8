"""How a type's fields are read from the graph, and the compiler that turns a selection into
one SPARQL query.

Each field of a type declares its reading once, beside the field (:func:`read`): a property
path from the object, whether its value must be of an rdf:type, how an argument filters it.
A root resolver finds its root IRIs with its own query, then :func:`fetch` compiles the rest of
the selection (read through strawberry's public ``info.selected_fields``) into one SELECT: one
UNION branch per object of the selection, the root IRIs bound by ``VALUES`` in every branch, the
scalar fields as OPTIONAL columns. The rows become the typed objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

import strawberry
from pyoxigraph import BlankNode, Literal, NamedNode
from strawberry.types import Info
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.lazy_type import LazyType
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection
from strawberry.utils.str_converters import to_camel_case

__all__ = ["ME", "Graph", "Read", "fetch", "found", "read", "selection_below"]

Term = NamedNode | Literal | BlankNode

ME = "."
"""The path of a field whose value is the object's own IRI (a role's code, for instance)."""

PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oos: <https://w3id.org/oos-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True, slots=True)
class Read:
    """How one field is read: ``path`` from the object (SPARQL property path, ``^`` for an
    inverse link), ``kind`` the rdf:type a linked object must have, ``having`` a path it
    must have a value for, ``where`` the arguments
    that keep linked objects whose path (the value) reaches the argument's concept, ``lang``
    the language picked (``"arg"``: the field's ``lang`` argument), ``fallback`` any value when
    none has that language, ``convert`` applied to the text, ``order`` the path whose least
    value sorts a list of objects (by IRI otherwise)."""

    path: str
    kind: str | None = None
    having: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    lang: str | None = None
    fallback: bool = False
    convert: Callable[[str], Any] | None = None
    order: str | None = None


def read(
    path: str,
    description: str | None = None,
    *,
    resolver: Callable[..., Any] | None = None,
    **how: Any,
) -> Any:
    """Declare a field read from the graph by ``path`` (see :class:`Read` for ``how``).

    Without ``resolver`` the field is a plain attribute the assembly sets; with one (a field
    taking arguments), the resolver returns :func:`found`.
    """
    how["where"] = tuple(how.get("where", {}).items())
    metadata = {"graph": Read(path, **how)}
    if resolver is not None:
        return strawberry.field(resolver=resolver, description=description, metadata=metadata)
    return strawberry.field(default=None, description=description, metadata=metadata)


@strawberry.type
class Graph:
    """What every type read from the graph holds besides its fields: the answers of its
    fields that take arguments, by response key (see :func:`found`)."""

    answers: strawberry.Private[dict[str, Any]] = field(default_factory=dict)


def found(root: Any, info: Info[Any, Any]) -> Any:
    """What the assembly put on ``root`` for the field being resolved (by its response key)."""
    return root.answers[info.path.key]


# ---- the plan: what a selection reads, as a hashable tree ----


@dataclass(frozen=True, slots=True)
class Scalar:
    attribute: str  # the Python attribute, or the response key of a field with arguments
    read: Read
    target: Any  # the Python type of the value (str, int, float, date, an Enum, list[str])
    many: bool
    by_key: bool  # stored in ``answers`` (a field with arguments) rather than as an attribute
    language: str | None


@dataclass(frozen=True, slots=True)
class Node:
    cls: type
    scalars: tuple[Scalar, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Link:
    attribute: str
    read: Read
    node: Node
    many: bool
    by_key: bool
    filters: tuple[tuple[str, str], ...]  # (path, concept IRI)


def _unwrap(kind: Any) -> tuple[Any, bool]:
    """The named type under optional and list wrappers, and whether it is a list."""
    many = False
    while True:
        if isinstance(kind, StrawberryOptional):
            kind = kind.of_type
        elif isinstance(kind, StrawberryList):
            kind, many = kind.of_type, True
        elif isinstance(kind, LazyType):
            kind = kind.resolve_type()
        else:
            break
    if isinstance(kind, StrawberryEnumDefinition):
        kind = kind.wrapped_cls
    return kind, many


@cache
def _fields_of(cls: type) -> dict[str, Any]:
    """GraphQL field name -> strawberry field, for the fields of ``cls`` read from the graph."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return {
        (f.graphql_name or to_camel_case(f.python_name)): f
        for f in definition.fields
        if "graph" in (f.metadata or {})
    }


def _included(selection: Selection) -> bool:
    directives = selection.directives
    if "skip" in directives and directives["skip"].get("if"):
        return False
    return not ("include" in directives and not directives["include"].get("if"))


def _flat(selections: Iterable[Selection]) -> list[SelectedField]:
    """The fields of ``selections``, fragments opened, ``@skip``/``@include`` applied."""
    fields: list[SelectedField] = []
    for selection in selections:
        if not _included(selection):
            continue
        if isinstance(selection, FragmentSpread | InlineFragment):
            fields.extend(_flat(selection.selections))
        elif isinstance(selection, SelectedField):
            fields.append(selection)
    return fields


def selection_below(info: Info[Any, Any], *names: str) -> list[SelectedField]:
    """The fields selected under the current field's ``names`` path (``edges``, ``node``...)."""
    fields = _flat(info.selected_fields[0].selections)
    for name in names:
        fields = [inner for f in fields if f.name == name for inner in _flat(f.selections)]
    return fields


def plan(cls: type, selections: Sequence[SelectedField]) -> Node:
    """The plan of what ``selections`` of a ``cls`` object read (fields merged by name, those
    with arguments kept apart by response key)."""
    fields = _fields_of(cls)
    scalars: dict[str, Scalar] = {}
    links: dict[str, tuple[Read, Any, bool, bool, tuple[tuple[str, str], ...], list[Any]]] = {}
    for selected in selections:
        if (declared := fields.get(selected.name)) is None:
            continue
        how: Read = declared.metadata["graph"]
        by_key = bool(declared.arguments)
        attribute = (selected.alias or selected.name) if by_key else declared.python_name
        target, many = _unwrap(declared.type)
        if has_object_definition(target):
            filters = []
            for name, path in how.where:
                value, enum = _argument(declared, selected, name)
                if value is not None:
                    member = value if isinstance(value, Enum) else enum[str(value)]
                    filters.append((path, str(member.value)))
            entry = links.setdefault(attribute, (how, target, many, by_key, tuple(filters), []))
            entry[5].extend(selected.selections)
        else:
            language = (
                str(_argument(declared, selected, "lang")[0]) if how.lang == "arg" else how.lang
            )
            scalars[attribute] = Scalar(attribute, how, target, many, by_key, language)
    return Node(
        cls,
        tuple(scalars.values()),
        tuple(
            Link(attr, how, plan(target, _flat(below)), many, by_key, filters)
            for attr, (how, target, many, by_key, filters, below) in links.items()
        ),
    )


def _argument(declared: Any, selected: SelectedField, name: str) -> tuple[Any, Any]:
    """The value given to ``declared``'s argument ``name`` (or its default), and its type."""
    for argument in declared.arguments:
        if argument.python_name == name:
            return selected.arguments.get(name, argument.default), _unwrap(argument.type)[0]
    raise LookupError(name)


# ---- the query ----

_ROOTS = "#ROOTS#"


@dataclass(frozen=True, slots=True)
class Branch:
    """One UNION branch: its node, the branches from the root to it (itself last), its link,
    and the branches of its links."""

    node: Node
    chain: tuple[int, ...]
    link: Link | None
    children: tuple[int, ...] = ()


@cache
def compile_plan(root: Node) -> tuple[str, tuple[Branch, ...]]:
    """The SPARQL text of ``root``'s plan, ``#ROOTS#`` standing for the root IRIs, and its
    branches in the order of their numbers (``?b``)."""
    texts: list[str] = []
    branches: list[Branch] = []

    def visit(node: Node, patterns: list[str], chain: tuple[int, ...], link: Link | None) -> None:
        b = len(branches)
        branches.append(Branch(node, (*chain, b), link))
        here = f"?o{b}"
        columns = [
            f"OPTIONAL {{ {here} {s.read.path} ?v{b}_{i} }}"
            for i, s in enumerate(node.scalars)
            if s.read.path != ME
        ]
        texts.append(
            " ".join([f"VALUES ?o0 {{ {_ROOTS} }}", *patterns, f"BIND({b} AS ?b)", *columns])
        )
        for child in node.links:
            o = f"?o{len(branches)}"
            steps = [f"{here} {child.read.path} {o} ."]
            if child.read.kind:
                steps.append(f"{o} a {child.read.kind} .")
            if child.read.having:
                steps.append(f"FILTER EXISTS {{ {o} {child.read.having} [] }}")
            steps.extend(f"{o} {path} <{concept}> ." for path, concept in child.filters)
            if child.read.order:
                steps.append(f"OPTIONAL {{ {o} {child.read.order} ?k{len(branches)} }}")
            visit(child.node, [*patterns, *steps], (*chain, b), child)

    visit(root, [], (), None)
    body = "\n} UNION {\n".join(texts)
    linked = tuple(
        Branch(
            b.node, b.chain, b.link, tuple(c.chain[-1] for c in branches if c.chain[:-1] == b.chain)
        )
        for b in branches
    )
    return f"{PREFIXES}SELECT * WHERE {{\n{{\n{body}\n}}\n}}", linked


# ---- values ----


def _text_key(term: Term) -> tuple[str, str]:
    return term.value, str(term)


def _convert(target: Any, how: Read, text: str) -> Any:
    if how.convert is not None:
        return how.convert(text)
    try:
        if isinstance(target, type) and issubclass(target, Enum):
            return target(text)
        if target is int:
            return int(text)
        if target is float:
            return float(Decimal(text))
        if target is dt.date:
            return dt.date.fromisoformat(text)
    except (ValueError, InvalidOperation):
        return None
    return text


def _pick(scalar: Scalar, terms: set[Term]) -> Any:
    ordered = sorted(terms, key=_text_key)
    if scalar.many:
        return sorted({term.value for term in ordered})
    if scalar.language is not None:
        tagged: list[Term] = [
            t for t in ordered if isinstance(t, Literal) and t.language == scalar.language
        ]
        if tagged or not scalar.read.fallback:
            ordered = tagged
    return _convert(scalar.target, scalar.read, ordered[0].value) if ordered else None


# ---- assembly ----


class _Found:
    """What the rows say of one object: its values per scalar, its linked objects per branch."""

    __slots__ = ("children", "iri", "order", "values")

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.values: dict[int, set[Term]] = {}
        self.children: dict[int, dict[str, _Found]] = {}
        self.order: set[Term] = set()


def fetch(
    select: Callable[[str], list[Any]],
    cls: type,
    iris: Sequence[str],
    selections: Sequence[SelectedField],
) -> list[Any]:
    """The ``cls`` objects of ``iris`` (in that order), every field of ``selections`` read in
    one query run by ``select``.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    if not iris:
        return []
    text, branches = compile_plan(plan(cls, selections))
    roots = {iri: _Found(iri) for iri in iris}
    node = branches[0].node
    if node.links or any(s.read.path != ME for s in node.scalars):  # else the IRIs are all
        rows = select(text.replace(_ROOTS, " ".join(f"<{i}>" for i in roots)))
    else:
        rows = []
    for row in rows:
        b = int(row["b"].value)
        found = roots[row["o0"].value]
        for step in branches[b].chain[1:]:
            iri = row[f"o{step}"].value
            children = found.children.setdefault(step, {})
            child = children.get(iri)
            if child is None:
                child = children[iri] = _Found(iri)
            if f"k{step}" in row:
                child.order.add(row[f"k{step}"])
            found = child
        for i in range(len(branches[b].node.scalars)):
            term = row.get(f"v{b}_{i}")
            if term is not None:
                found.values.setdefault(i, set()).add(term)
    return [_make(roots[iri], 0, branches) for iri in iris]


def _order(child: _Found) -> tuple[Any, ...]:
    if not child.order:
        return (True, Decimal(0), "", child.iri)
    least = min(child.order, key=_text_key)
    try:
        return (False, Decimal(least.value), "", child.iri)
    except InvalidOperation:
        return (False, Decimal(0), least.value, child.iri)


def _make(found: _Found, b: int, branches: Sequence[Branch]) -> Any:
    node = branches[b].node
    attributes: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for i, scalar in enumerate(node.scalars):
        if scalar.read.path == ME:
            value = _convert(scalar.target, scalar.read, found.iri)
        else:
            value = _pick(scalar, found.values.get(i, set()))
        (answers if scalar.by_key else attributes)[scalar.attribute] = value
    for step in branches[b].children:
        link = branches[step].link
        assert link is not None
        children = list(found.children.get(step, {}).values())
        children.sort(key=_order if link.read.order else lambda c: c.iri)
        made = [_make(child, step, branches) for child in children]
        value = made if link.many else (made[0] if made else None)
        (answers if link.by_key else attributes)[link.attribute] = value
    return node.cls(answers=answers, **attributes)
