"""What the HTML pages show of a term: its label in a language and a link that resolves here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode

from oos_kg.linked_data.describe import PREFIXES
from oos_kg.namespaces import BASE, OOS

__all__ = ["LABEL_PREDICATES", "Label", "Labels", "Link", "compact", "href", "literal"]

LABEL_PREDICATES = frozenset(
    {
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    }
)

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def compact(iri: str) -> str:
    """Write ``iri`` with one of the answers' prefixes where one fits.

    >>> compact("https://w3id.org/oos-kg/id/product-kymriah")
    'oosd:product-kymriah'
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def href(iri: str) -> str:
    """Where a page links for ``iri``: this server for the base's IRIs, the IRI otherwise.

    >>> href("https://w3id.org/oos-kg/ontology#Clause")
    '/ontology#Clause'
    >>> href("https://schema.org/Drug")
    'https://schema.org/Drug'
    """
    if iri.startswith(str(OOS)):
        return "/ontology#" + iri[len(str(OOS)) :]
    if iri.startswith(BASE + "/"):
        return iri[len(BASE) :]
    return iri


@dataclass(frozen=True, slots=True)
class Link:
    """A link in a page: where it goes, its text, and the IRI it stands for."""

    href: str
    text: str
    iri: str


@dataclass(frozen=True, slots=True)
class Label:
    """A literal shown in a page, with its language (empty when it has none)."""

    text: str
    lang: str
    datatype: str


class Labels:
    """Every label known to a page, by IRI and language."""

    def __init__(self) -> None:
        self._labels: dict[str, dict[str, str]] = {}

    def add(self, subject: NamedNode | BlankNode, predicate: NamedNode, obj: object) -> None:
        """Keep ``obj`` when the statement gives ``subject`` a label (first per language)."""
        if (
            isinstance(subject, NamedNode)
            and predicate.value in LABEL_PREDICATES
            and isinstance(obj, Literal)
        ):
            self._labels.setdefault(subject.value, {}).setdefault(obj.language or "", obj.value)

    def of(self, iri: str) -> Mapping[str, str]:
        """The labels of ``iri`` by language."""
        return self._labels.get(iri, {})

    def text(self, iri: str, lang: str) -> str:
        """The label in ``lang``, else in English, else with no language, else the IRI compacted."""
        found = self._labels.get(iri, {})
        return found.get(lang) or found.get("en") or found.get("") or compact(iri)

    def link(self, iri: str, lang: str) -> Link:
        """A link to ``iri`` named by its label."""
        return Link(href(iri), self.text(iri, lang), iri)

    def links(self, iris: Iterable[str], lang: str) -> list[Link]:
        """Links to ``iris``, sorted by their text."""
        return sorted((self.link(i, lang) for i in set(iris)), key=lambda k: k.text.lower())


def literal(term: Literal) -> Label:
    """A literal as a page shows it."""
    return Label(term.value, term.language or "", compact(term.datatype.value))
