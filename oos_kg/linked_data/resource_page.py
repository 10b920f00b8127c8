"""What the generic resource page shows of a :class:`~oos_kg.linked_data.describe.Description`."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode

from oos_kg.linked_data._view import Label, Labels, Link, compact, literal
from oos_kg.linked_data.describe import Description, Statement
from oos_kg.namespaces import BASE

__all__ = ["ResourcePage", "Row", "resource_page"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SOURCE = "http://purl.org/dc/terms/source"
_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
_DATASET_DESCRIPTION = Link("/.well-known/void", "dataset description", BASE + "/.well-known/void")


@dataclass(frozen=True, slots=True)
class Row:
    """One statement as a row: the predicate, the value (a link, a literal, or a blank node's
    own rows) and the named graph it comes from."""

    predicate: Link
    value: Link | Label | None
    graph: Link
    inner: tuple[tuple[Link, Link | Label], ...] = ()
    subject: Link | None = None


@dataclass(frozen=True, slots=True)
class ResourcePage:
    """The values of ``ld/resource.html``."""

    iri: str
    curie: str
    heading: str
    labels: dict[str, list[str]]
    types: list[Link]
    sources: list[Link]
    rows: list[Row]
    incoming: list[Row]
    formats: list[tuple[str, str]] = field(default_factory=list)


def _value(term: object, labels: Labels, lang: str) -> Link | Label | None:
    if isinstance(term, NamedNode):
        return labels.link(term.value, lang)
    if isinstance(term, Literal):
        return literal(term)
    return None


def _graph(statement: Statement) -> Link:
    if statement.graph is None:
        return _DATASET_DESCRIPTION
    return Link(statement.graph.value[len(BASE) :], compact(statement.graph.value), "")


def resource_page(description: Description, lang: str) -> ResourcePage:
    """Arrange a description for the page, with links named in ``lang``.

    Raises:
        Nothing.
    """
    labels = Labels()
    for s in description.statements:
        labels.add(s.subject, s.predicate, s.object)
    me = description.resource
    own = [s for s in description.statements if s.subject == me]
    blanks: dict[BlankNode, list[Statement]] = {}
    for s in description.statements:
        if isinstance(s.subject, BlankNode):
            blanks.setdefault(s.subject, []).append(s)
    names: dict[str, list[str]] = {}
    rows = []
    for s in own:
        if s.predicate.value in _LABELS and isinstance(s.object, Literal):
            bucket = names.setdefault(s.object.language or "", [])
            if s.object.value not in bucket:
                bucket.append(s.object.value)
        nested = blanks.get(s.object, []) if isinstance(s.object, BlankNode) else []
        inner = tuple(
            (labels.link(b.predicate.value, lang), v)
            for b in nested
            for v in [_value(b.object, labels, lang)]
            if v is not None
        )
        rows.append(
            Row(
                labels.link(s.predicate.value, lang),
                _value(s.object, labels, lang),
                _graph(s),
                inner,
            )
        )
    incoming = [
        Row(
            labels.link(s.predicate.value, lang),
            None,
            _graph(s),
            subject=labels.link(s.subject.value, lang),
        )
        for s in description.statements
        if s.object == me and isinstance(s.subject, NamedNode) and s.subject != me
    ]
    return ResourcePage(
        iri=me.value,
        curie=compact(me.value),
        heading=labels.text(me.value, lang),
        labels=dict(sorted(names.items())),
        types=labels.links(
            (
                s.object.value
                for s in own
                if s.predicate.value == _RDF_TYPE and isinstance(s.object, NamedNode)
            ),
            lang,
        ),
        sources=labels.links(
            (
                s.object.value
                for s in own
                if s.predicate.value == _SOURCE and isinstance(s.object, NamedNode)
            ),
            lang,
        ),
        rows=sorted(rows, key=lambda r: (r.predicate.text.lower(), str(r.value))),
        incoming=sorted(incoming, key=lambda r: (r.predicate.text.lower(), str(r.subject))),
    )
