"""The ontology documented for people: every class, property and concept scheme of the store's
ontology graph, with labels and definitions in English and Japanese, its place in the
hierarchy, domains and ranges, and the source of each term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode

from oos_kg.linked_data._queries import KG_GRAPHS, bind, load_query
from oos_kg.linked_data._view import Label, Labels, Link, compact, literal
from oos_kg.namespaces import OOS
from oos_kg.store.base import Bindings, KgStore

__all__ = ["OntologyDoc", "Section", "TermDoc", "ontology_doc", "ontology_rows"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"

SECTIONS = (
    ("classes", _OWL + "Class", "Classes", "クラス"),
    ("object-properties", _OWL + "ObjectProperty", "Object properties", "オブジェクトプロパティ"),
    ("datatype-properties", _OWL + "DatatypeProperty", "Datatype properties", "データプロパティ"),
    (
        "annotation-properties",
        _OWL + "AnnotationProperty",
        "Annotation properties",
        "アノテーションプロパティ",
    ),
    ("concept-schemes", _SKOS + "ConceptScheme", "Concept schemes", "概念スキーム"),
)
"""Section id, the type its terms have, and its heading in English and Japanese."""


@dataclass(frozen=True, slots=True)
class TermDoc:
    """One documented term."""

    iri: str
    anchor: str
    curie: str
    labels: dict[str, str]
    definitions: dict[str, str]
    notes: list[Label]
    supers: list[Link]
    subs: list[Link]
    domains: list[list[Link]]
    ranges: list[list[Link]]
    inverse: list[Link]
    sources: list[Link]
    deprecated: bool
    concepts: list[TermDoc] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Section:
    """The terms of one kind."""

    anchor: str
    heading: str
    terms: list[TermDoc]


@dataclass(frozen=True, slots=True)
class OntologyDoc:
    """The values of ``ld/ontology.html``."""

    iri: str
    header: dict[str, list[Label | Link]]
    titles: dict[str, str]
    descriptions: dict[str, str]
    sections: list[Section]


class _Graph:
    """The ontology graph's statements, indexed both ways."""

    def __init__(self, rows: Sequence[Bindings]) -> None:
        self.out: dict[object, dict[str, list[object]]] = {}
        self.into: dict[str, dict[str, list[str]]] = {}
        self.labels = Labels()
        for row in rows:
            s, p, o = row["s"], row["p"], row["o"]
            if not isinstance(p, NamedNode) or isinstance(s, Literal):
                continue
            self.labels.add(s, p, o)
            self.out.setdefault(s, {}).setdefault(p.value, []).append(o)
            if isinstance(o, NamedNode) and isinstance(s, NamedNode):
                self.into.setdefault(o.value, {}).setdefault(p.value, []).append(s.value)

    def objects(self, subject: object, predicate: str) -> list[object]:
        return self.out.get(subject, {}).get(predicate, [])

    def iris(self, subject: object, predicate: str) -> list[str]:
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, NamedNode)]

    def by_lang(self, subject: object, predicate: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for o in self.objects(subject, predicate):
            if isinstance(o, Literal):
                found.setdefault(o.language or "", o.value)
        return found

    def members(self, head: object) -> list[object]:
        """The items of an RDF list."""
        items: list[object] = []
        while isinstance(head, BlankNode) and len(items) < 1000:
            items += self.objects(head, _RDF + "first")
            rest = self.objects(head, _RDF + "rest")
            head = rest[0] if rest else None
        return items

    def alternatives(self, term: object, lang: str) -> list[Link]:
        """A class as links: itself, or the members of the union it stands for."""
        if isinstance(term, NamedNode):
            return [self.labels.link(term.value, lang)]
        union = self.objects(term, _OWL + "unionOf")
        return [
            self.labels.link(m.value, lang)
            for m in (self.members(union[0]) if union else [])
            if isinstance(m, NamedNode)
        ]


def _anchor(iri: str) -> str:
    return iri[len(str(OOS)) :] if iri.startswith(str(OOS)) else compact(iri)


def _term(graph: _Graph, iri: str, lang: str) -> TermDoc:
    node = NamedNode(iri)
    links = graph.labels.links
    notes = [
        literal(o)
        for p in (_SKOS + "scopeNote", _SKOS + "example", _RDFS + "comment", _SKOS + "note")
        for o in graph.objects(node, p)
        if isinstance(o, Literal)
    ]
    super_predicates = (_RDFS + "subClassOf", _RDFS + "subPropertyOf", _SKOS + "broader")
    return TermDoc(
        iri=iri,
        anchor=_anchor(iri),
        curie=compact(iri),
        labels=graph.by_lang(node, _RDFS + "label") or graph.by_lang(node, _SKOS + "prefLabel"),
        definitions=graph.by_lang(node, _SKOS + "definition"),
        notes=notes,
        supers=links((i for p in super_predicates for i in graph.iris(node, p)), lang),
        subs=links((i for p in super_predicates for i in graph.into.get(iri, {}).get(p, [])), lang),
        domains=[graph.alternatives(d, lang) for d in graph.objects(node, _RDFS + "domain")],
        ranges=[graph.alternatives(r, lang) for r in graph.objects(node, _RDFS + "range")],
        inverse=links(graph.iris(node, _OWL + "inverseOf"), lang),
        sources=links(graph.iris(node, _DCT + "source"), lang),
        deprecated=any(
            isinstance(o, Literal) and o.value == "true"
            for o in graph.objects(node, _OWL + "deprecated")
        ),
    )


def _sorted_terms(iris: list[str]) -> list[str]:
    ours = sorted(i for i in iris if i.startswith(str(OOS)))
    return ours + sorted((i for i in iris if not i.startswith(str(OOS))), key=compact)


def ontology_rows(store: KgStore) -> list[Bindings]:
    """Read the ontology graph and the labels of the sources its terms cite.

    Raises:
        QueryTimeout, StoreUnavailable: from the store.
    """
    return store.select(bind(load_query("ontology"), {"g": KG_GRAPHS}))


def ontology_doc(rows: Sequence[Bindings], lang: str) -> OntologyDoc | None:
    """Arrange the ontology graph for the page; None when the store holds no ontology.

    Raises:
        Nothing.
    """
    graph = _Graph(rows)
    heads = graph.into.get(_OWL + "Ontology", {}).get(_RDF + "type", [])
    if not heads:
        return None
    head = NamedNode(heads[0])
    typed = graph.into
    sections = []
    for anchor, kind, en, ja in SECTIONS:
        iris = [i for i in typed.get(kind, {}).get(_RDF + "type", []) if not i.startswith("_")]
        terms = [_term(graph, i, lang) for i in _sorted_terms(list(dict.fromkeys(iris)))]
        if kind == _SKOS + "ConceptScheme":
            for scheme in terms:
                members = typed.get(scheme.iri, {}).get(_SKOS + "inScheme", [])
                scheme.concepts.extend(_term(graph, m, lang) for m in _sorted_terms(members))
        sections.append(Section(anchor, ja if lang == "ja" else en, terms))
    header: dict[str, list[Label | Link]] = {}
    for name, predicate in (
        ("version", _OWL + "versionInfo"),
        ("versionIRI", _OWL + "versionIRI"),
        ("license", _DCT + "license"),
        ("creator", _DCT + "creator"),
        ("created", _DCT + "created"),
        ("modified", _DCT + "modified"),
        ("source", _DCT + "source"),
    ):
        values: list[Label | Link] = []
        for o in graph.objects(head, predicate):
            if isinstance(o, NamedNode):
                values.append(graph.labels.link(o.value, lang))
            elif isinstance(o, Literal):
                values.append(literal(o))
        if values:
            header[name] = values
    return OntologyDoc(
        iri=head.value,
        header=header,
        titles=graph.by_lang(head, _DCT + "title"),
        descriptions=graph.by_lang(head, _DCT + "description"),
        sections=sections,
    )
