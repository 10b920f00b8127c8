"""The case shapes of each framework and the rules they carry (id, messages, clause)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from oos_kg.namespaces import OOS, OOSSH
from oos_kg.resources import resource_root
from oos_kg.validation._frameworks import Framework, get_framework

__all__ = ["Rule", "load_shapes", "rules_of"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One case rule: a shape with a stable id and the clause it enforces.

    Attributes:
        shape: the shape IRI (``oossh:EU-03-report-within-48h``).
        rule_id: the local name of the shape (``EU-03-report-within-48h``).
        names: ``sh:name`` by language tag.
        messages: ``sh:message`` by language tag.
        severity: ``Violation``, ``Warning`` or ``Info``.
        clause: the clause IRI of ``oos:enforces``, when given.
        path: the shape's ``sh:path`` as text (IRIs joined by ``/`` for a sequence), if any.
        obligations: the obligation IRIs of ``oos:checksObligation``, sorted.
        clauses_under: for a common rule, the clause it enforces under each framework code
            (``oos:enforcesUnder [ oos:caseFramework "eu" ; oos:enforces <clause> ]``).
    """

    shape: str
    rule_id: str
    names: dict[str, str]
    messages: dict[str, str]
    severity: str
    clause: str | None
    path: str | None = None
    obligations: tuple[str, ...] = ()
    clauses_under: tuple[tuple[str, str], ...] = ()

    def clause_for(self, code: str) -> str | None:
        """Return the clause this rule enforces under framework ``code``: its entry for the
        code, else its own ``oos:enforces``.

        Raises:
            Nothing.
        """
        return dict(self.clauses_under).get(code) or self.clause

    def name(self, lang: str) -> str:
        """Return the name in ``lang``, else English, else the rule id."""
        return self.names.get(lang) or self.names.get("en") or self.rule_id

    def message(self, lang: str) -> str:
        """Return the message in ``lang``, else English, else the name."""
        return self.messages.get(lang) or self.messages.get("en") or self.name(lang)


def shapes_dir(root: Path | None = None) -> Path:
    """Return ``shapes/cases`` under the resource root.

    Raises:
        FileNotFoundError: when the resource root cannot be found.
    """
    return (root or resource_root()) / "shapes" / "cases"


@lru_cache(maxsize=16)
def load_shapes(code: str, root: Path | None = None) -> Graph:
    """Return the shapes graph of framework ``code`` (common rules plus its own), cached.

    The returned graph is shared: never modify it.

    Raises:
        InputError: for an unknown framework. OSError: when a shape file cannot be read.
    """
    framework: Framework = get_framework(code)
    graph = Graph(bind_namespaces="none")
    for name in framework.shape_files:
        graph.parse(shapes_dir(root) / name, format="turtle")
    return graph


def _by_lang(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, str]:
    values: dict[str, str] = {}
    for obj in graph.objects(subject, predicate):
        if isinstance(obj, Literal):
            values.setdefault(obj.language or "", str(obj))
    return values


@lru_cache(maxsize=16)
def rules_of(code: str, root: Path | None = None) -> dict[str, Rule]:
    """Return the rules of framework ``code`` by shape IRI.

    Raises:
        InputError: for an unknown framework. OSError: when a shape file cannot be read.
    """
    graph = load_shapes(code, root)
    rules: dict[str, Rule] = {}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            if not isinstance(shape, URIRef) or not str(shape).startswith(str(OOSSH)):
                continue
            severity = graph.value(shape, SH.severity)
            clause = graph.value(shape, OOS.enforces)
            obligations = tuple(sorted(str(o) for o in graph.objects(shape, OOS.checksObligation)))
            under = []
            for entry in graph.objects(shape, OOS.enforcesUnder):
                entry_code = graph.value(entry, OOS.caseFramework)
                entry_clause = graph.value(entry, OOS.enforces)
                if entry_code is not None and entry_clause is not None:
                    under.append((str(entry_code), str(entry_clause)))
            path = graph.value(shape, SH.path)
            if isinstance(path, BNode) and graph.value(path, RDF.first) is not None:
                path_text: str | None = "/".join(str(step) for step in Collection(graph, path))
            else:
                path_text = str(path) if isinstance(path, URIRef) else None
            rules[str(shape)] = Rule(
                shape=str(shape),
                rule_id=str(shape)[len(str(OOSSH)) :],
                names=_by_lang(graph, shape, SH.name),
                messages=_by_lang(graph, shape, SH.message),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                clause=str(clause) if clause is not None else None,
                path=path_text,
                obligations=obligations,
                clauses_under=tuple(sorted(under)),
            )
    return rules
