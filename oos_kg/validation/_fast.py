"""A fast path: the case shapes compiled to SPARQL per framework, run on Oxigraph.

pyshacl spends most of a validation in rdflib's SPARQL engine; Oxigraph answers the same
checks in a fraction of the time. The compiler below understands exactly the SHACL the case
shapes use (targets by class or object-of; paths of one predicate or a sequence; min/max
count, hasValue, datatype, nodeKind IRI, qualifiedValueShape with qualifiedMinCount over
hasValue / minCount / sh:and; SPARQL-based constraints) and refuses anything else, so a shape
it cannot translate is never silently skipped: that framework stays on pyshacl. Tests assert
that it gives exactly pyshacl's results on every example and on generated cases.

One case (``POST /validate``) runs every check in one query. Many cases
(:meth:`FastValidator.validate_many`, used by ``oos-kg validate``) load a chunk of cases into
one store and run the checks anchored on their focus node (``_anchor``) once per chunk,
mapping each result back to the case owning its focus node; cases that share a node one of
them owns go to different chunks, and the checks that are not anchored run case by case.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from oos_kg.errors import InputError, OosKgError, PayloadTooLarge, RdfSyntaxError
from oos_kg.validation._anchor import is_anchored
from oos_kg.validation._facts import KgFacts
from oos_kg.validation._frameworks import get_framework
from oos_kg.validation._obligations import VALIDATION_CONTEXT, as_of_triple, resolve_as_of
from oos_kg.validation._parse import MAX_CASE_TRIPLES
from oos_kg.validation._rules import Rule, load_shapes, rules_of
from oos_kg.validation._validator import NO_CASE_MESSAGE, CaseReport, CaseResult, make_report

__all__ = ["FastValidator", "UnsupportedShape", "compile_framework", "parse_untrusted"]

logger = logging.getLogger(__name__)

_RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_WELL_FORMED = {
    str(XSD.boolean): r'STR(?v) IN ("true", "false", "1", "0")',
}
_FACTS_GRAPH = ox.NamedNode("urn:oos-kg:validation:facts")

_EMPTY = Graph()


class UnsupportedShape(Exception):
    """A shape uses SHACL the compiler does not translate (the framework stays on pyshacl)."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A framework's checks as SPARQL.

    Attributes:
        framework: the framework code. query: every check, for one case at a time.
        rules: the rules by shape IRI. property_shapes: the IRIs of property shapes.
        chunk_query: the checks anchored on their focus node (see ``_anchor``), which can run
            once over a chunk of cases; None when there are none.
        case_query: the other checks, run case by case in a batch; None when there are none.
        target_predicates: the ``sh:targetObjectsOf`` predicates (their objects are focus
            nodes, so a case owns them).
    """

    framework: str
    query: str
    rules: dict[str, Rule]
    property_shapes: frozenset[str]
    chunk_query: str | None = None
    case_query: str | None = None
    target_predicates: frozenset[str] = frozenset()


def _int(node: Node | None) -> int:
    if not isinstance(node, Literal) or not isinstance(node.value, int):
        raise UnsupportedShape(f"expected an integer, got {node!r}")
    return node.value


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShape(f"expected an IRI, got {node!r}")
    return f"<{node}>"


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"unsupported constant {node!r}")


def _path(graph: Graph, shape: Node) -> tuple[str, str | None]:
    """Return the SPARQL property path and, for one predicate, its IRI (for sh:resultPath)."""
    path = graph.value(shape, SH.path)
    if isinstance(path, URIRef):
        return f"<{path}>", str(path)
    if isinstance(path, BNode) and graph.value(path, RDF.first) is not None:
        steps = [_iri(step) for step in Collection(graph, path)]
        return "/".join(steps), None
    raise UnsupportedShape(f"unsupported sh:path on {shape}")


_ALLOWED = {SH.path, SH.hasValue, SH.minCount, SH.name, SH.message, SH.severity}


def _value_condition(graph: Graph, shape: Node, var: str) -> str:
    """A SPARQL expression true when the node in ``var`` conforms to ``shape`` (a small subset)."""
    parts = list(graph.objects(shape, SH["and"]))
    if parts:
        return " && ".join(
            f"({_value_condition(graph, member, var)})"
            for head in parts
            for member in Collection(graph, head)
        )
    predicates = set(graph.predicates(shape, None)) - {RDF.type}
    if predicates - _ALLOWED:
        raise UnsupportedShape(f"unsupported constraint in {shape}: {predicates - _ALLOWED}")
    path, _ = _path(graph, shape)
    conditions = []
    has_value = graph.value(shape, SH.hasValue)
    if has_value is not None:
        conditions.append(f"EXISTS {{ {var} {path} {_term(has_value)} . }}")
    min_count = graph.value(shape, SH.minCount)
    if min_count is not None:
        if _int(min_count) != 1:
            raise UnsupportedShape(f"nested minCount other than 1 in {shape}")
        conditions.append(f"EXISTS {{ {var} {path} ?any_{abs(hash(str(shape))) % 10**8} . }}")
    if not conditions:
        raise UnsupportedShape(f"empty nested shape {shape}")
    return " && ".join(conditions)


def _targets(graph: Graph, shape: URIRef) -> str:
    """The focus nodes of ``shape`` as a graph pattern binding ``?this`` (duplicates are
    removed when results are collected)."""
    patterns = []
    for cls in graph.objects(shape, SH.targetClass):
        patterns.append(f"{{ ?this {_RDF_TYPE}/{_RDFS_SUBCLASS}* {_iri(cls)} . }}")
    for prop in graph.objects(shape, SH.targetObjectsOf):
        patterns.append(f"{{ ?target_subject {_iri(prop)} ?this . }}")
    if not patterns:
        raise UnsupportedShape(f"{shape} has no target the compiler knows")
    return " UNION ".join(patterns) if len(patterns) > 1 else patterns[0]


_CORE = {
    SH.path, SH.minCount, SH.maxCount, SH.hasValue, SH.datatype, SH.nodeKind,
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.targetClass, SH.targetObjectsOf,
    SH.name, SH.message, SH.severity,
}  # fmt: skip


def _compile_property_shape(graph: Graph, shape: URIRef) -> list[str]:
    predicates = set(graph.predicates(shape, None)) - {RDF.type}
    extra = {p for p in predicates if not str(p).startswith(str(SH))}
    if predicates - _CORE - extra:
        raise UnsupportedShape(f"unsupported constraint in {shape}: {predicates - _CORE - extra}")
    target = _targets(graph, shape)
    path, single = _path(graph, shape)
    path_term = f"<{single}>" if single else "?no_path"
    bodies = []
    min_count = graph.value(shape, SH.minCount)
    if min_count is not None:
        bodies.append(
            f"{target} FILTER NOT EXISTS {{ SELECT ?this WHERE {{ ?this {path} ?v . }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) >= {_int(min_count)}) }}"
            f" BIND ({path_term} AS ?path)"
            if _int(min_count) > 1
            else f"{target} FILTER NOT EXISTS {{ ?this {path} ?v . }} BIND ({path_term} AS ?path)"
        )
    max_count = graph.value(shape, SH.maxCount)
    if max_count is not None:
        bodies.append(
            f"{target} {{ SELECT ?this WHERE {{ ?this {path} ?v . }} GROUP BY ?this "
            f"HAVING (COUNT(DISTINCT ?v) > {_int(max_count)}) }} BIND ({path_term} AS ?path)"
        )
    has_value = graph.value(shape, SH.hasValue)
    if has_value is not None:
        bodies.append(
            f"{target} FILTER NOT EXISTS {{ ?this {path} {_term(has_value)} . }}"
            f" BIND ({path_term} AS ?path)"
        )
    datatype = graph.value(shape, SH.datatype)
    if datatype is not None:
        well_formed = _WELL_FORMED.get(str(datatype))
        if well_formed is None:
            raise UnsupportedShape(f"no well-formedness check for {datatype}")
        bodies.append(
            f"{target} ?this {path} ?v . FILTER (!isLiteral(?v) || DATATYPE(?v) != "
            f"{_iri(datatype)} || !({well_formed})) BIND (?v AS ?value) BIND ({path_term} AS ?path)"
        )
    node_kind = graph.value(shape, SH.nodeKind)
    if node_kind is not None:
        if node_kind != SH.IRI:
            raise UnsupportedShape(f"unsupported sh:nodeKind {node_kind}")
        bodies.append(
            f"{target} ?this {path} ?v . FILTER (!isIRI(?v)) BIND (?v AS ?value)"
            f" BIND ({path_term} AS ?path)"
        )
    qualified = graph.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        q_min = graph.value(shape, SH.qualifiedMinCount)
        if q_min is None or _int(q_min) != 1:
            raise UnsupportedShape(f"{shape}: only qualifiedMinCount 1 is compiled")
        condition = _value_condition(graph, qualified, "?v")
        bodies.append(
            f"{target} FILTER NOT EXISTS {{ ?this {path} ?v . FILTER ({condition}) }}"
            f" BIND ({path_term} AS ?path)"
        )
    if not bodies:
        raise UnsupportedShape(f"{shape} has no constraint the compiler knows")
    return bodies


_THIS = re.compile(r"\$this\b")


def _compile_sparql_shape(graph: Graph, shape: URIRef, prefixes: str) -> list[tuple[str, bool]]:
    """Return each constraint's query body and whether it is anchored on its focus node (the
    target part is by construction: ``?this`` is typed, or the object of a triple)."""
    predicates = set(graph.predicates(shape, None)) - {RDF.type}
    allowed = {SH.sparql, SH.targetClass, SH.targetObjectsOf, SH.name, SH.message, SH.severity}
    extra = {p for p in predicates if not str(p).startswith(str(SH))}
    if predicates - allowed - extra:
        raise UnsupportedShape(f"unsupported constraint in {shape}: {predicates - allowed - extra}")
    target = _targets(graph, shape)
    bodies = []
    for constraint in graph.objects(shape, SH.sparql):
        select = str(graph.value(constraint, SH.select))
        match = re.match(
            r"\s*SELECT\s+(?P<vars>[^{]*?)\s+WHERE\s*\{(?P<body>.*)\}\s*$", select, re.S
        )
        if not match or re.search(r"\b(MINUS|VALUES|SERVICE|GROUP|ORDER|LIMIT)\b", select):
            raise UnsupportedShape(f"{shape}: SPARQL constraint the compiler does not rewrite")
        projected = set(re.findall(r"[?$](\w+)", match.group("vars")))
        body = _THIS.sub("?this", match.group("body"))
        value = "" if "value" in projected else " BIND (?this AS ?value)"
        path = "" if "path" in projected else " BIND (?no_path AS ?path)"
        bodies.append((f"{target} {body}{value}{path}", is_anchored(prefixes, body)))
    if not bodies:
        raise UnsupportedShape(f"{shape} has no sh:select")
    return bodies


def _prefixes(graph: Graph) -> str:
    lines = []
    for declaration in graph.objects(None, SH.declare):
        prefix = graph.value(declaration, SH.prefix)
        namespace = graph.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def compile_framework(code: str, root: Path | None = None) -> _Compiled:
    """Compile every rule of framework ``code`` into one SPARQL SELECT of
    ``?shape ?this ?path ?value`` rows, one row per result pyshacl would give.

    Raises:
        UnsupportedShape: when a shape uses SHACL the compiler does not translate.
        InputError: for an unknown framework.
    """
    graph = load_shapes(code, root)
    rules = rules_of(code, root)
    prefixes = _prefixes(graph)
    branches: list[str] = []
    anchored: list[str] = []
    alone: list[str] = []
    property_shapes = set()
    target_predicates: set[str] = set()
    for shape_iri in sorted(rules):
        shape = URIRef(shape_iri)
        is_property = (shape, RDF.type, SH.PropertyShape) in graph
        if is_property:
            property_shapes.add(shape_iri)
        target_predicates.update(str(p) for p in graph.objects(shape, SH.targetObjectsOf))
        # A property shape's checks walk forward from ?this by construction (tested); a
        # SPARQL constraint's text is analysed.
        bodies = (
            [(body, True) for body in _compile_property_shape(graph, shape)]
            if is_property
            else _compile_sparql_shape(graph, shape, prefixes)
        )
        for body, on_focus in bodies:
            branch = f"{{ SELECT ?this ?path ?value (<{shape_iri}> AS ?shape) WHERE {{ {body} }} }}"
            branches.append(branch)
            (anchored if on_focus else alone).append(branch)
    return _Compiled(
        get_framework(code).code,
        _union(prefixes, branches),
        rules,
        frozenset(property_shapes),
        chunk_query=_union(prefixes, anchored) if anchored else None,
        case_query=_union(prefixes, alone) if alone else None,
        target_predicates=frozenset(target_predicates),
    )


def _union(prefixes: str, branches: list[str]) -> str:
    query = f"{prefixes}\nSELECT ?shape ?this ?path ?value WHERE {{\n"
    return query + "\nUNION\n".join(branches) + "\n}"


def _to_ox(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term; one Oxigraph refuses is the case's fault, not ours.

    Raises:
        RdfSyntaxError: a relative IRI (rdflib's RDF/XML parser keeps unqualified
            attributes as such) or an invalid language tag.
    """
    try:
        return _to_ox_term(node)
    except ValueError as exc:
        raise RdfSyntaxError(f"{node.n3()[:200]} is not a valid RDF term: {exc}") from None


def _to_ox_term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def _text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def parse_turtle_fast(
    data: bytes, *, source: str = "body", fresh_blank_nodes: bool = False
) -> list[ox.Quad]:
    """Parse Turtle or N-Triples with Oxigraph (no network), with the checks of ``parse_case``.

    With ``fresh_blank_nodes`` every blank node gets a new id, so cases parsed apart never
    share one (Oxigraph keeps labels such as ``_:b1`` as written otherwise).

    Raises:
        RdfSyntaxError: bad UTF-8, NUL, or bad syntax (with line and column).
        PayloadTooLarge: over :data:`MAX_CASE_TRIPLES` triples.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RdfSyntaxError(f"not UTF-8 (byte {exc.start})", source=source) from None
    if "\x00" in text:
        raise RdfSyntaxError("NUL characters are refused", source=source)
    try:
        quads = list(
            ox.parse(
                data,
                format=ox.RdfFormat.TURTLE,
                base_iri="urn:oos-kg:case:",
                rename_blank_nodes=fresh_blank_nodes,
            )
        )
    except SyntaxError as exc:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc.msg))
        raise RdfSyntaxError(message, source=source, line=exc.lineno, column=exc.offset) from None
    if len(quads) > MAX_CASE_TRIPLES:
        raise PayloadTooLarge(f"{source}: {len(quads)} triples; a case may hold {MAX_CASE_TRIPLES}")
    return quads


_OX_RDF_TYPE = ox.NamedNode(str(RDF.type))
_OX_CONTEXT = ox.NamedNode(str(VALIDATION_CONTEXT))
_OX_CASE_CLASS = ox.NamedNode("https://w3id.org/oos-kg/ontology#OosProvisionCase")
_DEFAULT = ox.DefaultGraph()
_DATASET: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [_DEFAULT, _FACTS_GRAPH]

CHUNK_SIZE = 16
"""Cases per chunk in :meth:`FastValidator.validate_many`: Oxigraph evaluates some nested
``FILTER NOT EXISTS`` checks in time growing with the square of the data, so past a few dozen
cases a bigger chunk is slower per case (measured: 16 to 32 is best)."""

_OPEN_CHUNKS = 4
"""Chunks filled at once; a case that clashes with all of them waits for a later chunk."""

_Row = tuple[object, object, object, object]


@dataclass(slots=True)
class _Prepared:
    """One case of a batch, ready to load: its quads (fact subjects dropped, blank nodes
    fresh) and what it owns (subjects, and objects of target predicates) and mentions."""

    index: int
    quads: list[ox.Quad]
    owned: set[object]
    nodes: set[object]
    alone: bool


_TYPICAL = 150
"""Quads of a typical case (generated ones hold 90-103): a chunk holds at most this many
per case it may hold, so a few large cases fill it (the cost of some checks grows with the
square of the data)."""

_BIG = 1000
"""A case with more quads than this is validated alone."""


@dataclass(slots=True)
class _Chunk:
    cases: list[_Prepared]
    owned: set[object]
    nodes: set[object]
    quads: int = 0

    def fits(self, case: _Prepared) -> bool:
        return case.owned.isdisjoint(self.nodes) and case.nodes.isdisjoint(self.owned)

    def add(self, case: _Prepared) -> None:
        self.cases.append(case)
        self.quads += len(case.quads)
        self.owned |= case.owned
        self.nodes |= case.nodes


class FastValidator:
    """Validate cases on Oxigraph with the compiled shapes; same results as pyshacl.

    Facts about KG resources come from the KG only, as in :class:`CaseValidator`: case
    triples whose subject the facts describe are dropped.
    """

    def __init__(self, facts: KgFacts, *, root: Path | None = None) -> None:
        """Build a fast validator; frameworks are compiled on first use.

        Raises:
            Nothing.
        """
        self.facts = facts
        self._root = root
        self._compiled: dict[str, _Compiled] = {}
        self._fact_subjects = {_to_ox(s) for s in facts.graph.subjects()}
        self._fact_quads = [
            ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), _FACTS_GRAPH)  # type: ignore[arg-type]
            for s, p, o in facts.graph
        ]
        self._fact_nodes = {
            term for q in self._fact_quads for term in (q.subject, q.predicate, q.object)
        }

    def compiled(self, framework: str) -> _Compiled:
        """Return the compiled query of ``framework`` (cached).

        Raises:
            UnsupportedShape, InputError: as :func:`compile_framework`.
        """
        code = get_framework(framework).code
        if code not in self._compiled:
            self._compiled[code] = compile_framework(code, self._root)
        return self._compiled[code]

    def _store(self, quads: list[ox.Quad], as_of: datetime) -> ox.Store:
        """A new store with the facts and the time of judgement in their graph and ``quads``
        in the default graph.

        A new one each time: an in-memory Oxigraph store keeps removed quads around, and one
        reused for thousands of cases got several times slower (measured).
        """
        store = ox.Store()
        store.extend(self._fact_quads)
        s, p, o = (_to_ox(term) for term in as_of_triple(as_of))
        store.add(ox.Quad(s, p, o, _FACTS_GRAPH))  # type: ignore[arg-type]
        store.extend(quads)
        return store

    def validate(
        self, case: Graph | Iterable[ox.Quad], framework: str, *, as_of: datetime | None = None
    ) -> CaseReport:
        """Validate one case (an rdflib graph or Oxigraph quads) against ``framework`` as of
        a time (now when None).

        The report has no SHACL report graph; use :class:`CaseValidator` for that.

        Raises:
            UnsupportedShape, InputError: as :meth:`compiled`; InputError also when the
                graph holds no ``oos:OosProvisionCase`` (an empty or unrelated document
                must not pass as a conforming case).
        """
        compiled = self.compiled(framework)
        when = resolve_as_of(as_of)
        prepared = self._prepare(0, case, compiled, rename=False)  # alone: ids cannot clash
        if isinstance(prepared, InputError):
            raise prepared
        return self._report(compiled, self._rows_alone(prepared, compiled.query, when), when)

    def validate_many(
        self,
        cases: Iterable[Graph | Iterable[ox.Quad] | OosKgError],
        framework: str,
        *,
        fresh_blank_nodes: bool = False,
        chunk_size: int = CHUNK_SIZE,
        as_of: datetime | None = None,
    ) -> list[CaseReport | OosKgError]:
        """Validate many cases, each exactly as :meth:`validate` would, in chunks.

        The checks anchored on their focus node run once per chunk of cases loaded
        together; cases that share a node one of them owns never share a chunk, and a case
        that owns a node of the KG facts runs alone. The other checks run case by case.
        An error given in place of a case (say, from parsing) is passed through in its place.

        Args:
            cases: parsed cases (or errors), in order.
            framework: a framework code.
            fresh_blank_nodes: the Oxigraph quads' blank nodes are already unique to their
                case (:func:`parse_turtle_fast` with ``fresh_blank_nodes``); otherwise they
                are renamed (an rdflib graph's always are).
            chunk_size: the most cases loaded together.

        Returns:
            One report or error per case, in order (InputError for a case graph without
            an ``oos:OosProvisionCase``).

        Raises:
            UnsupportedShape, InputError: as :meth:`compiled`.
        """
        compiled = self.compiled(framework)
        when = resolve_as_of(as_of)
        outcomes: list[CaseReport | OosKgError | None] = []
        open_chunks: list[_Chunk] = []
        for index, case in enumerate(cases):
            outcomes.append(None)
            try:
                prepared = (
                    case
                    if isinstance(case, OosKgError)
                    else self._prepare(
                        index,
                        case,
                        compiled,
                        # rdflib keeps JSON-LD labels such as _:b0 as written
                        rename=isinstance(case, Graph) or not fresh_blank_nodes,
                    )
                )
            except OosKgError as exc:  # a term Oxigraph refuses: this case's fault only
                prepared = exc
            if isinstance(prepared, OosKgError):
                outcomes[index] = prepared
                continue
            if prepared.alone or compiled.chunk_query is None or len(prepared.quads) > _BIG:
                self._run([prepared], compiled, outcomes, when)
                continue
            chunk = next((c for c in open_chunks if c.fits(prepared)), None)
            if chunk is None:
                if len(open_chunks) >= _OPEN_CHUNKS:
                    self._run(open_chunks.pop(0).cases, compiled, outcomes, when)
                chunk = _Chunk([], set(), set())
                open_chunks.append(chunk)
            chunk.add(prepared)
            if len(chunk.cases) >= chunk_size or chunk.quads >= chunk_size * _TYPICAL:
                open_chunks.remove(chunk)
                self._run(chunk.cases, compiled, outcomes, when)
        for chunk in open_chunks:
            self._run(chunk.cases, compiled, outcomes, when)
        assert all(outcome is not None for outcome in outcomes)
        return outcomes  # type: ignore[return-value]

    def _prepare(
        self, index: int, case: Graph | Iterable[ox.Quad], compiled: _Compiled, *, rename: bool
    ) -> _Prepared | InputError:
        """Drop triples about KG resources, give blank nodes fresh ids when ``rename``, and
        note what the case owns and mentions.

        Raises:
            RdfSyntaxError: a term Oxigraph refuses (from an rdflib graph).
        """
        if isinstance(case, Graph):
            renamed: dict[Node, ox.BlankNode] = {}

            def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
                if isinstance(node, BNode) and rename:
                    return renamed.setdefault(node, ox.BlankNode())
                return _to_ox(node)  # alone, rdflib's ids are kept (as pyshacl reports them)

            quads = [ox.Quad(term(s), term(p), term(o)) for s, p, o in case]  # type: ignore[arg-type]
        elif not rename:
            quads = list(case)
        else:
            blank: dict[ox.BlankNode, ox.BlankNode] = {}

            def fresh_term(node: object) -> object:
                if isinstance(node, ox.BlankNode):
                    return blank.setdefault(node, ox.BlankNode())
                return node

            quads = [
                ox.Quad(fresh_term(q.subject), q.predicate, fresh_term(q.object))  # type: ignore[arg-type]
                for q in case
            ]
        facts = self._fact_subjects
        targets = {ox.NamedNode(p) for p in compiled.target_predicates}
        kept = []
        owned: set[object] = set()
        nodes: set[object] = set()
        has_case = False
        for quad in quads:
            subject = quad.subject
            if subject in facts or subject == _OX_CONTEXT:
                continue
            if quad.graph_name != _DEFAULT:
                quad = ox.Quad(subject, quad.predicate, quad.object)
            kept.append(quad)
            predicate, obj = quad.predicate, quad.object
            owned.add(subject)
            nodes.add(predicate)
            nodes.add(obj)
            if predicate in targets:
                owned.add(obj)
            if not has_case and predicate == _OX_RDF_TYPE and obj == _OX_CASE_CLASS:
                has_case = True
        if not has_case:
            return InputError(NO_CASE_MESSAGE)
        nodes |= owned
        return _Prepared(index, kept, owned, nodes, not owned.isdisjoint(self._fact_nodes))

    def _rows_alone(self, case: _Prepared, query: str, as_of: datetime) -> list[_Row]:
        """Run ``query`` on one case with the facts."""
        return _rows(self._store(case.quads, as_of).query(query, default_graph=_DATASET))

    def _run(
        self,
        chunk: list[_Prepared],
        compiled: _Compiled,
        outcomes: list[CaseReport | OosKgError | None],
        as_of: datetime,
    ) -> None:
        """Validate the cases of one chunk and put their reports in ``outcomes``."""
        if len(chunk) == 1 or compiled.chunk_query is None:
            for case in chunk:
                outcomes[case.index] = self._report(
                    compiled, self._rows_alone(case, compiled.query, as_of), as_of
                )
            return
        found: list[list[_Row]] = [[] for _ in chunk]
        if compiled.case_query is not None:
            for k, case in enumerate(chunk):
                found[k] = self._rows_alone(case, compiled.case_query, as_of)
        owner: dict[object, int] = {n: k for k, case in enumerate(chunk) for n in case.owned}
        store = self._store([quad for case in chunk for quad in case.quads], as_of)
        rows = _rows(store.query(compiled.chunk_query, default_graph=_DATASET))
        for row in rows:
            at = owner.get(row[1])
            if at is None:  # a focus node no case of the chunk owns: validate them alone
                logger.info("focus node %s owned by no case of a chunk", row[1])
                for case in chunk:
                    outcomes[case.index] = self._report(
                        compiled, self._rows_alone(case, compiled.query, as_of), as_of
                    )
                return
            found[at].append(row)
        for k, case in enumerate(chunk):
            outcomes[case.index] = self._report(compiled, found[k], as_of)

    def _report(self, compiled: _Compiled, rows: Iterable[_Row], as_of: datetime) -> CaseReport:
        seen = set()
        results = []
        for shape_term, this, path_term, value in rows:
            shape = _text(shape_term) or ""
            rule = compiled.rules.get(shape)
            path = _text(path_term) or (
                rule.path
                if rule and rule.path and path_term is None and shape in compiled.property_shapes
                else None
            )
            key = (shape, _text(this), path, _text(value))
            if key in seen:
                continue
            seen.add(key)
            results.append(
                CaseResult(
                    rule=rule,
                    shape=shape,
                    severity=rule.severity if rule else "Violation",
                    focus_node=key[1] or "",
                    path=key[2],
                    value=key[3],
                    clause=self.facts.clause(rule.clause) if rule else None,
                )
            )
        return make_report(compiled.framework, results, _EMPTY, self.facts, compiled.rules, as_of)


def _rows(solutions: object) -> list[_Row]:
    assert isinstance(solutions, ox.QuerySolutions)
    return [(row["shape"], row["this"], row["path"], row["value"]) for row in solutions]


def validate_bytes(
    fast: FastValidator,
    data: bytes,
    input_format: str,
    framework: str,
    *,
    source: str = "body",
    as_of: datetime | None = None,
) -> CaseReport:
    """Parse untrusted bytes and validate them on the fast path.

    Turtle and N-Triples are parsed by Oxigraph (no network, line and column on errors);
    JSON-LD and RDF/XML go through :func:`parse_case` and its refusals.

    Raises:
        RdfSyntaxError, PayloadTooLarge, UnsupportedMediaType: bad input.
        UnsupportedShape: the framework's shapes do not compile (use pyshacl).
    """
    return fast.validate(parse_untrusted(data, input_format, source=source), framework, as_of=as_of)


def parse_untrusted(
    data: bytes, input_format: str, *, source: str = "body", fresh_blank_nodes: bool = False
) -> Graph | list[ox.Quad]:
    """Parse a case for the fast path: Turtle and N-Triples with Oxigraph, JSON-LD and
    RDF/XML with :func:`parse_case` (and its refusals).

    Raises:
        RdfSyntaxError, PayloadTooLarge, UnsupportedMediaType: bad input.
    """
    from oos_kg.validation._parse import parse_case

    if input_format in ("turtle", "ntriples"):
        return parse_turtle_fast(data, source=source, fresh_blank_nodes=fresh_blank_nodes)
    return parse_case(data, input_format, source=source)
