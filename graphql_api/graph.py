"""Each field's reading from the graph (:func:`read`), and :func:`fetch`, which runs it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

import strawberry
from pyoxigraph import Literal
from strawberry.types import Info
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection
from strawberry.utils.str_converters import to_camel_case

from graphql_api.context import Select
from graphql_api.sparql import Term

__all__ = ["ME", "Graph", "Read", "fetch", "found", "read", "selection_below"]


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
    """How a field is read: ``path`` (a SPARQL path, ``^`` inverse); a linked object's ``kind``
    and a path it must be ``having``; ``where``: argument -> path its concept is reached by;
    the ``lang`` picked (``"arg"``: the argument), with a ``fallback`` to any; a ``convert``
    of the text; the ``order`` path whose least number sorts a list (else the IRI)."""

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
    given: dict[str, Any] = {"resolver": resolver} if resolver else {"default": None}
    return strawberry.field(description=description, metadata={"graph": Read(path, **how)}, **given)


@strawberry.type
class Graph:
    """A type read from the graph; ``answers``: its fields with arguments, by response key."""

    answers: strawberry.Private[dict[str, Any]] = field(default_factory=dict)


def found(root: Any, info: Info[Any, Any]) -> Any:
    """What the assembly put on ``root`` for the field being resolved (by its response key)."""
    return root.answers[info.path.key]


# ---- the plan: what a selection reads, one branch an object ----


@dataclass(frozen=True, slots=True)
class Part:
    """A selected field: its ``attribute`` (the key in ``answers`` when ``by_key``), reading,
    whether a list, ``target`` type, a scalar's ``language``, a link's (path, IRI) ``filters``."""

    attribute: str
    read: Read
    many: bool
    by_key: bool
    target: Any
    language: str | None = None
    filters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Branch:
    """One object of a selection and its UNION branch: its type, its scalar fields, the link
    that reaches it, and the numbers of the branches from the root to it (itself last)."""

    cls: type
    scalars: tuple[Part, ...]
    link: Part | None
    chain: tuple[int, ...]


def _unwrap(kind: Any) -> tuple[Any, bool]:
    """The named type under optional and list wrappers, and whether it is a list."""
    many = False
    while isinstance(kind, StrawberryOptional | StrawberryList):
        many = many or isinstance(kind, StrawberryList)
        kind = kind.of_type
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


def plan(cls: type, selections: Sequence[SelectedField]) -> tuple[Branch, ...]:
    """The branches of what ``selections`` of a ``cls`` object read, depth first: fields
    merged by name, those with arguments kept apart by response key."""
    branches: list[Branch] = []

    def visit(
        cls: type, selections: Sequence[SelectedField], link: Part | None, chain: tuple[int, ...]
    ) -> None:
        chain = (*chain, len(branches))
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
                lang = _argument(declared, selected, "lang")[0] if how.lang == "arg" else how.lang
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
        branches.append(Branch(cls, tuple(scalars.values()), link, chain))
        for part, below in links.values():
            visit(part.target, _flat(below), part, chain)

    visit(cls, selections, None, ())
    return tuple(branches)


def _argument(declared: Any, selected: SelectedField, name: str) -> tuple[Any, Any]:
    """The value given to ``declared``'s argument ``name`` (or its default), and its type."""
    argument = next(a for a in declared.arguments if a.python_name == name)
    return selected.arguments.get(name, argument.default), _unwrap(argument.type)[0]


# ---- the query ----

_ROOTS = "#ROOTS#"


def _steps(branch: Branch, parent: int) -> list[str]:
    """The patterns from object ``?o<parent>`` to the objects of ``branch`` it links to."""
    assert branch.link is not None
    b, link, how = branch.chain[-1], branch.link, branch.link.read
    o = f"?o{b}"
    steps = [f"?o{parent} {how.path} {o} ."]
    if how.kind:
        steps.append(f"{o} a {how.kind} .")
    if how.having:
        steps.append(f"FILTER EXISTS {{ {o} {how.having} [] }}")
    steps.extend(f"{o} {path} <{concept}> ." for path, concept in link.filters)
    if how.order:
        steps.append(f"OPTIONAL {{ {o} {how.order} ?k{b} }}")
    return steps


@cache
def compile_plan(branches: tuple[Branch, ...]) -> str:
    """The SPARQL text of a plan, ``#ROOTS#`` standing for the root IRIs."""
    texts = []
    for b, branch in enumerate(branches):
        patterns = [f"VALUES ?o0 {{ {_ROOTS} }}"]
        for parent, step in itertools.pairwise(branch.chain):
            patterns += _steps(branches[step], parent)
        patterns.append(f"BIND({b} AS ?b)")
        patterns += [
            f"OPTIONAL {{ ?o{b} {s.read.path} ?v{b}_{i} }}"
            for i, s in enumerate(branch.scalars)
            if s.read.path != ME
        ]
        texts.append(" ".join(patterns))
    return f"{PREFIXES}SELECT * WHERE {{\n{{\n" + "\n} UNION {\n".join(texts) + "\n}\n}"


# ---- values ----


_PARSERS: dict[Any, Callable[[str], Any]] = {
    bool: lambda text: text in ("true", "1"),
    int: int,
    float: lambda text: float(Decimal(text)),
    dt.date: dt.date.fromisoformat,
}


def _convert(target: Any, how: Read, text: str) -> Any:
    """``text`` as a value of ``target`` (``None`` when it is not one)."""
    enum = isinstance(target, type) and issubclass(target, Enum)
    try:
        return (how.convert or _PARSERS.get(target) or (target if enum else str))(text)
    except (ValueError, InvalidOperation):
        return None


def _pick(scalar: Part, found: _Found, i: int) -> Any:
    terms = found.values.get(i, set())
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
    select: Select, cls: type, iris: Sequence[str], selections: Sequence[SelectedField]
) -> list[Any]:
    """The ``cls`` objects of ``iris`` (in that order), every field of ``selections`` read in
    one query run by ``select``: one UNION branch per object of the selection, the root IRIs
    bound by ``VALUES`` in every branch, the scalar fields as OPTIONAL columns.

    Raises:
        QueryError, QueryTimeout, StoreUnavailable: as the store raises them.
    """
    if not iris:
        return []
    branches = plan(cls, selections)
    roots = {iri: _Found(iri) for iri in iris}
    rows = []
    if len(branches) > 1 or any(s.read.path != ME for s in branches[0].scalars):  # else IRIs
        rows = select(compile_plan(branches).replace(_ROOTS, " ".join(f"<{i}>" for i in roots)))
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
        for i in range(len(branches[b].scalars)):
            if (term := row.get(f"v{b}_{i}")) is not None:
                found.values.setdefault(i, set()).add(term)
    return [_make(roots[iri], branches[0], branches) for iri in iris]


def _order(child: _Found) -> tuple[Decimal, str]:
    """A linked object's place: the least number of its ``order`` path (else last), its IRI."""
    return min((Decimal(t.value) for t in child.order), default=Decimal("Infinity")), child.iri


def _make(found: _Found, branch: Branch, branches: Sequence[Branch]) -> Any:
    values: list[tuple[Part, Any]] = [
        (s, _convert(s.target, s.read, found.iri) if s.read.path == ME else _pick(s, found, i))
        for i, s in enumerate(branch.scalars)
    ]
    for child in branches:
        if child.link is not None and child.chain[:-1] == branch.chain:
            objects = sorted(found.children.get(child.chain[-1], {}).values(), key=_order)
            made = [_make(o, child, branches) for o in objects]
            values.append((child.link, made if child.link.many else next(iter(made), None)))
    attributes = {part.attribute: value for part, value in values if not part.by_key}
    return branch.cls(answers={p.attribute: v for p, v in values if p.by_key}, **attributes)
