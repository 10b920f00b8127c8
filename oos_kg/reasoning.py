"""OWL reasoning: HermiT consistency checks (owlready2) and fast materialisation of inferred types.

Two jobs, two tools:

* :func:`check_consistency` runs HermiT through owlready2 over ontology + data. It is the
  authority on consistency, and takes seconds, so it runs in ``oos-kg check`` and the tests,
  never per request.
* :func:`infer` materialises what SPARQL users need without a reasoner at query time: the
  types that follow from ``rdfs:subClassOf`` / ``owl:equivalentClass`` between named classes
  and from defined classes of the form ``C == A and (p value v)`` (how the ontology defines
  autologous, allogeneic, CAR-T ... products), plus ``rdfs:subPropertyOf`` closure. It is a
  small forward-chaining fixpoint in Python, milliseconds on the paper's graph; the tests
  check that every class HermiT infers for an individual is among its results.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from oos_kg.errors import InconsistentGraph

__all__ = ["DefinedClass", "check_consistency", "defined_classes", "infer"]

logger = logging.getLogger(__name__)

_IGNORED_TYPES = frozenset({OWL.Thing, OWL.NamedIndividual})
_SCHEMA_TYPES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        OWL.Restriction,
        RDFS.Class,
        RDF.Property,
    }
)


@dataclass(frozen=True, slots=True)
class DefinedClass:
    """``cls`` is equivalent to the intersection of ``parents`` and ``has_values`` restrictions."""

    cls: URIRef
    parents: frozenset[URIRef]
    has_values: frozenset[tuple[URIRef, Node]]


def _has_value(graph: Graph, node: Node) -> tuple[URIRef, Node] | None:
    prop = graph.value(node, OWL.onProperty)
    value = graph.value(node, OWL.hasValue)
    if isinstance(prop, URIRef) and value is not None:
        return prop, value
    return None


def defined_classes(ontology: Graph) -> list[DefinedClass]:
    """Return the named classes defined by an intersection of named classes and hasValue parts.

    Other class expressions are ignored here (HermiT still sees them in the consistency check).

    Raises:
        Nothing: malformed expressions are skipped and logged.
    """
    found: list[DefinedClass] = []
    for cls, expr in ontology.subject_objects(OWL.equivalentClass):
        if not isinstance(cls, URIRef) or not isinstance(expr, BNode):
            continue
        parts: list[Node] = [expr]
        members = ontology.value(expr, OWL.intersectionOf)
        if members is not None:
            parts = list(Collection(ontology, members))
        parents: set[URIRef] = set()
        values: set[tuple[URIRef, Node]] = set()
        for part in parts:
            if isinstance(part, URIRef):
                parents.add(part)
            elif (hv := _has_value(ontology, part)) is not None:
                values.add(hv)
            else:
                logger.debug("skipping unsupported part of %s", cls)
                break
        else:
            if values:
                found.append(DefinedClass(cls, frozenset(parents), frozenset(values)))
    return found


def _closure(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    direct: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in pairs:
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
            direct[sub].add(sup)
    closed: dict[Node, set[Node]] = {}
    for start in list(direct):
        seen: set[Node] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        seen.discard(start)
        closed[start] = seen
    return closed


def _class_closure(ontology: Graph, defined: list[DefinedClass]) -> dict[Node, set[Node]]:
    pairs: list[tuple[Node, Node]] = list(ontology.subject_objects(RDFS.subClassOf))
    for a, b in ontology.subject_objects(OWL.equivalentClass):
        pairs += [(a, b), (b, a)]
    for d in defined:
        pairs += [(d.cls, parent) for parent in d.parents]
    return _closure(pairs)


def infer(ontology: Graph, data: Graph) -> Graph:
    """Return the triples that follow from ``ontology`` for ``data`` and are not asserted.

    Args:
        ontology: the TBox (``ontology/oos.ttl``).
        data: everything else (products, regulations, sources).

    Returns:
        A graph of inferred ``rdf:type`` triples and ``rdfs:subPropertyOf`` entailments.

    Raises:
        Nothing.

    >>> from rdflib import Literal, Namespace
    >>> ex = Namespace("http://example.org/")
    >>> tbox = Graph().parse(data='''@prefix ex: <http://example.org/> .
    ... @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... ex:Product rdfs:subClassOf ex:Drug .
    ... ex:Autologous owl:equivalentClass [ owl:intersectionOf ( ex:Product
    ...     [ a owl:Restriction ; owl:onProperty ex:origin ; owl:hasValue ex:auto ] ) ] .
    ... ''', format="turtle")
    >>> abox = Graph()
    >>> _ = abox.add((ex.k, RDF.type, ex.Product)).add((ex.k, ex.origin, ex.auto))
    >>> sorted(str(o) for o in infer(tbox, abox).objects(ex.k, RDF.type))
    ['http://example.org/Autologous', 'http://example.org/Drug']
    """
    defined = defined_classes(ontology)
    supers = _class_closure(ontology, defined)
    asserted: dict[Node, set[Node]] = defaultdict(set)
    for s, o in data.subject_objects(RDF.type):
        if o not in _IGNORED_TYPES and o not in _SCHEMA_TYPES:
            asserted[s].add(o)
    inferred = Graph()
    for individual, types in asserted.items():
        known = set(types)
        changed = True
        while changed:
            before = len(known)
            for t in list(known):
                known |= supers.get(t, set())
            for d in defined:
                if (
                    d.cls not in known
                    and d.parents <= known
                    and all((individual, p, v) in data for p, v in d.has_values)
                ):
                    known.add(d.cls)
            changed = len(known) != before
        for t in known - types:
            if isinstance(t, URIRef) and t not in _IGNORED_TYPES:
                inferred.add((individual, RDF.type, t))
    prop_supers = _closure(ontology.subject_objects(RDFS.subPropertyOf))
    for prop, parents in prop_supers.items():
        for s, o in data.subject_objects(prop):
            for parent in parents:
                if (s, parent, o) not in data:
                    inferred.add((s, parent, o))
    return inferred


def check_consistency(ontology: Graph, data: Graph) -> None:
    """Run HermiT (via owlready2) over ontology + data; return quietly when consistent.

    Needs Java on the PATH. Takes seconds: use it in checks and tests, not per request.

    Args:
        ontology: the TBox.
        data: the ABox to check with it.

    Raises:
        InconsistentGraph: HermiT found the graph inconsistent (or could not run: the message
            says which).
    """
    import owlready2  # imported here: owlready2 sets up a SQLite quadstore at import time

    union = Graph()
    for triple in ontology:
        union.add(triple)
    for triple in data:
        union.add(triple)
    buffer = io.BytesIO(union.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    try:
        onto = world.get_ontology("https://w3id.org/oos-kg/check#")
        onto.load(fileobj=buffer, format="ntriples")
        with onto:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise InconsistentGraph("HermiT: the ontology and data are inconsistent") from exc
    except (OSError, owlready2.OwlReadyJavaError) as exc:
        raise InconsistentGraph(f"HermiT could not run: {exc}") from exc
    finally:
        world.close()
