"""Each field's reading from the graph (:func:`read`), and :func:`fetch`, which compiles a
selection into one SPARQL query and assembles its rows into the typed objects."""

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
    number sorts a list of objects (by IRI otherwise)."""

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
    """A field read by ``path`` (:class:`Read`); a field with arguments has a ``resolver``
    that returns :func:`found`."""
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
class Part:
    """One selected field: where its value goes (``attribute``, or the response key in
    ``answers`` when ``by_key``), how it is read, whether it is a list, the Python type of a
    scalar's value (``target``) and its ``language``, the ``filters`` (path, concept IRI) a
    link's arguments add."""

    attribute: str
    read: Read
    many: bool
    by_key: bool
    target: Any
    language: str | None = None
    filters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    cls: type
    scalars: tuple[Part, ...]
    links: tuple[tuple[Part, Node], ...]


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


def _flat(selections: Iterable[Selection]) -> list[SelectedField]:
    """The fields of ``selections``, fragments opened, ``@skip``/``@include`` applied."""
    fields: list[SelectedField] = []
    for selection in selections:
        skip, include = selection.directives.get("skip"), selection.directives.get("include")
        if (skip and skip.get("if")) or (include and not include.get("if")):
            continue
        if isinstance(selection, FragmentSpread | InlineFragment):
            fields.extend(_flat(selection.selections))
        elif isinstance(selection, SelectedField):
            fields.append(selection)
    return fields


def selection_below(info: Info[Any, Any], *names: str) -> list[SelectedField]:
    """The fields selected under the current field's ``names`` path (``edges``, ``node``...;
    ``a|b``: under either)."""
    fields = _flat(info.selected_fields[0].selections)
    for name in names:
        either = name.split("|")
        fields = [inner for f in fields if f.name in either for inner in _flat(f.selections)]
    return fields


def plan(cls: type, selections: Sequence[SelectedField]) -> Node:
    """What ``selections`` of a ``cls`` object read: fields merged by name, those with
    arguments kept apart by response key."""
    fields = _fields_of(cls)
    scalars: dict[str, Part] = {}
    links: dict[str, tuple[Part, list[Selection]]] = {}
    for selected in selections:
        if (declared := fields.get(selected.name)) is None:
            continue
        how: Read = declared.metadata["graph"]
        by_key = bool(declared.arguments)
        attribute = (selected.alias or selected.name) if by_key else declared.python_name
        target, many = _unwrap(declared.type)
        if not has_object_definition(target):
            lang = str(_argument(declared, selected, "lang")[0]) if how.lang == "arg" else how.lang
            scalars[attribute] = Part(attribute, how, many, by_key, target, lang)
            continue
        filters = []
        for name, path in how.where:
            value, enum = _argument(declared, selected, name)
            if value is not None:
                member = value if isinstance(value, Enum) else enum[str(value)]
                filters.append((path, str(member.value)))
        part = Part(attribute, how, many, by_key, target, filters=tuple(filters))
        links.setdefault(attribute, (part, []))[1].extend(selected.selections)
    return Node(
        cls,
        tuple(scalars.values()),
        tuple((part, plan(part.target, _flat(below))) for part, below in links.values()),
    )


def _argument(declared: Any, selected: SelectedField, name: str) -> tuple[Any, Any]:
    """The value given to ``declared``'s argument ``name`` (or its default), and its type."""
    argument = next(a for a in declared.arguments if a.python_name == name)
    return selected.arguments.get(name, argument.default), _unwrap(argument.type)[0]


# ---- the query ----

_ROOTS = "#ROOTS#"


@dataclass(slots=True)
class Branch:
    """One UNION branch: its node, the branches from the root to it (itself last), its link,
    and the branches of its links."""

    node: Node
    chain: tuple[int, ...]
    link: Part | None
    children: list[int] = field(default_factory=list)


@cache
def compile_plan(root: Node) -> tuple[str, tuple[Branch, ...]]:
    """The SPARQL text of ``root``'s plan, ``#ROOTS#`` standing for the root IRIs, and its
    branches in the order of their numbers (``?b``)."""
    texts: list[str] = []
    branches: list[Branch] = []

    def visit(node: Node, patterns: list[str], chain: tuple[int, ...], link: Part | None) -> None:
        b = len(branches)
        branches.append(Branch(node, (*chain, b), link))
        if chain:
            branches[chain[-1]].children.append(b)
        here = f"?o{b}"
        columns = [
            f"OPTIONAL {{ {here} {s.read.path} ?v{b}_{i} }}"
            for i, s in enumerate(node.scalars)
            if s.read.path != ME
        ]
        texts.append(
            " ".join([f"VALUES ?o0 {{ {_ROOTS} }}", *patterns, f"BIND({b} AS ?b)", *columns])
        )
        for child, below in node.links:
            o = f"?o{len(branches)}"
            steps = [f"{here} {child.read.path} {o} ."]
            if child.read.kind:
                steps.append(f"{o} a {child.read.kind} .")
            if child.read.having:
                steps.append(f"FILTER EXISTS {{ {o} {child.read.having} [] }}")
            steps.extend(f"{o} {path} <{concept}> ." for path, concept in child.filters)
            if child.read.order:
                steps.append(f"OPTIONAL {{ {o} {child.read.order} ?k{len(branches)} }}")
            visit(below, [*patterns, *steps], (*chain, b), child)

    visit(root, [], (), None)
    body = "\n} UNION {\n".join(texts)
    return f"{PREFIXES}SELECT * WHERE {{\n{{\n{body}\n}}\n}}", tuple(branches)


# ---- values ----


def _convert(target: Any, how: Read, text: str) -> Any:
    if how.convert is not None:
        return how.convert(text)
    if target is bool:
        return text in ("true", "1")
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


def _pick(scalar: Part, terms: set[Term]) -> Any:
    if scalar.many:
        return sorted({term.value for term in terms})
    ordered = sorted(terms, key=lambda term: (term.value, str(term)))
    if scalar.language is not None:
        tagged: list[Term] = [
            t for t in ordered if isinstance(t, Literal) and t.language == scalar.language
        ]
        if tagged or not scalar.read.fallback:
            ordered = tagged
    return _convert(scalar.target, scalar.read, ordered[0].value) if ordered else None


# ---- assembly ----


@dataclass(slots=True)
class _Found:
    """What the rows say of one object: its values per scalar, its linked objects per branch."""

    iri: str
    values: dict[int, set[Term]] = field(default_factory=dict)
    children: dict[int, dict[str, _Found]] = field(default_factory=dict)
    order: set[Term] = field(default_factory=set)


def fetch(
    select: Callable[[str], list[Any]],
    cls: type,
    iris: Sequence[str],
    selections: Sequence[SelectedField],
) -> list[Any]:
    """The ``cls`` objects of ``iris`` (in that order), every field of ``selections`` read in
    one query run by ``select``: one UNION branch per object of the selection, the root IRIs
    bound by ``VALUES`` in every branch, the scalar fields as OPTIONAL columns.

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
            if (child := children.get(iri)) is None:
                child = children[iri] = _Found(iri)
            if f"k{step}" in row:
                child.order.add(row[f"k{step}"])
            found = child
        for i in range(len(branches[b].node.scalars)):
            term = row.get(f"v{b}_{i}")
            if term is not None:
                found.values.setdefault(i, set()).add(term)
    return [_make(roots[iri], 0, branches) for iri in iris]


def _order(child: _Found) -> tuple[Decimal, str]:
    """A linked object's place: the least number of its ``order`` path (last without), then
    its IRI."""
    return min((Decimal(t.value) for t in child.order), default=Decimal("Infinity")), child.iri


def _make(found: _Found, b: int, branches: Sequence[Branch]) -> Any:
    node = branches[b].node
    values: list[tuple[Part, Any]] = [
        (
            s,
            _convert(s.target, s.read, found.iri)
            if s.read.path == ME
            else _pick(s, found.values.get(i, set())),
        )
        for i, s in enumerate(node.scalars)
    ]
    for step in branches[b].children:
        link = branches[step].link
        assert link is not None
        children = sorted(found.children.get(step, {}).values(), key=_order)
        made = [_make(child, step, branches) for child in children]
        values.append((link, made if link.many else next(iter(made), None)))
    attributes = {part.attribute: value for part, value in values if not part.by_key}
    return node.cls(answers={p.attribute: v for p, v in values if p.by_key}, **attributes)
