"""A fast path: the case shapes compiled to one SPARQL query per framework, run on Oxigraph.

pyshacl spends most of a validation in rdflib's SPARQL engine; Oxigraph answers the same
checks in a fraction of the time. The compiler below understands exactly the SHACL the case
shapes use (targets by class or object-of; paths of one predicate or a sequence; min/max
count, hasValue, datatype, nodeKind IRI, qualifiedValueShape with qualifiedMinCount over
hasValue / minCount / sh:and; SPARQL-based constraints) and refuses anything else, so a shape
it cannot translate is never silently skipped: that framework stays on pyshacl. Tests assert
that it gives exactly pyshacl's results on every example and on generated cases.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from oos_kg.errors import InputError, PayloadTooLarge, RdfSyntaxError
from oos_kg.validation._facts import KgFacts
from oos_kg.validation._frameworks import get_framework
from oos_kg.validation._parse import MAX_CASE_TRIPLES
from oos_kg.validation._rules import Rule, load_shapes, rules_of
from oos_kg.validation._validator import NO_CASE_MESSAGE, CaseReport, CaseResult

__all__ = ["FastValidator", "UnsupportedShape", "compile_framework"]

_RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_WELL_FORMED = {
    str(XSD.boolean): r'STR(?v) IN ("true", "false", "1", "0")',
}
_FACTS_GRAPH = ox.NamedNode("urn:oos-kg:validation:facts")
_HAS_CASE = "ASK { ?case a <https://w3id.org/oos-kg/ontology#OosProvisionCase> }"

_EMPTY = Graph()


class UnsupportedShape(Exception):
    """A shape uses SHACL the compiler does not translate (the framework stays on pyshacl)."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    framework: str
    query: str
    rules: dict[str, Rule]
    property_shapes: frozenset[str]


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


def _compile_sparql_shape(graph: Graph, shape: URIRef) -> list[str]:
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
        bodies.append(f"{target} {body}{value}{path}")
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
    branches = []
    property_shapes = set()
    for shape_iri in sorted(rules):
        shape = URIRef(shape_iri)
        is_property = (shape, RDF.type, SH.PropertyShape) in graph
        if is_property:
            property_shapes.add(shape_iri)
        bodies = (
            _compile_property_shape(graph, shape)
            if is_property
            else _compile_sparql_shape(graph, shape)
        )
        for body in bodies:
            branches.append(
                f"{{ SELECT ?this ?path ?value (<{shape_iri}> AS ?shape) WHERE {{ {body} }} }}"
            )
    query = f"{_prefixes(graph)}\nSELECT ?shape ?this ?path ?value WHERE {{\n"
    query += "\nUNION\n".join(branches) + "\n}"
    return _Compiled(get_framework(code).code, query, rules, frozenset(property_shapes))


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


def parse_turtle_fast(data: bytes, *, source: str = "body") -> list[ox.Quad]:
    """Parse Turtle or N-Triples with Oxigraph (no network), with the checks of ``parse_case``.

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
        quads = list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri="urn:oos-kg:case:"))
    except SyntaxError as exc:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc.msg))
        raise RdfSyntaxError(message, source=source, line=exc.lineno, column=exc.offset) from None
    if len(quads) > MAX_CASE_TRIPLES:
        raise PayloadTooLarge(f"{source}: {len(quads)} triples; a case may hold {MAX_CASE_TRIPLES}")
    return quads


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
        self._local = threading.local()
        self._fact_subjects = {_to_ox(s) for s in facts.graph.subjects()}
        self._fact_quads = [
            ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), _FACTS_GRAPH)  # type: ignore[arg-type]
            for s, p, o in facts.graph
        ]

    def compiled(self, framework: str) -> _Compiled:
        """Return the compiled query of ``framework`` (cached).

        Raises:
            UnsupportedShape, InputError: as :func:`compile_framework`.
        """
        code = get_framework(framework).code
        if code not in self._compiled:
            self._compiled[code] = compile_framework(code, self._root)
        return self._compiled[code]

    def _store(self) -> ox.Store:
        store = ox.Store()
        store.extend(self._fact_quads)
        return store

    def validate(self, case: Graph | Iterable[ox.Quad], framework: str) -> CaseReport:
        """Validate one case (an rdflib graph or Oxigraph quads) against ``framework``.

        The report has no SHACL report graph; use :class:`CaseValidator` for that. Each
        thread keeps one store holding the facts; the case goes into a graph that is
        cleared afterwards.

        Raises:
            UnsupportedShape, InputError: as :meth:`compiled`; InputError also when the
                graph holds no ``oos:OosProvisionCase`` (an empty or unrelated document
                must not pass as a conforming case).
        """
        compiled = self.compiled(framework)
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self._store()
        graph = ox.NamedNode("urn:oos-kg:validation:case")
        try:
            store.extend(self._quads(case, graph))
            if not store.query(_HAS_CASE, default_graph=graph):
                raise InputError(NO_CASE_MESSAGE)
            rows = store.query(compiled.query, default_graph=[graph, _FACTS_GRAPH])
            return self._report(compiled, rows)  # type: ignore[arg-type]
        finally:
            store.clear_graph(graph)

    def validate_many(
        self, cases: Iterable[Graph | Iterable[ox.Quad]], framework: str
    ) -> Iterator[CaseReport]:
        """Validate cases one by one in one store (each case in its own graph).

        Raises:
            UnsupportedShape, InputError: as :meth:`compiled`.
        """
        compiled = self.compiled(framework)
        store = self._store()
        for index, case in enumerate(cases):
            graph = ox.NamedNode(f"urn:oos-kg:validation:case:{index}")
            store.extend(self._quads(case, graph))
            rows = store.query(compiled.query, default_graph=[graph, _FACTS_GRAPH])
            yield self._report(compiled, rows)  # type: ignore[arg-type]
            store.clear_graph(graph)

    def _quads(self, case: Graph | Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
        if isinstance(case, Graph):
            for s, p, o in case:
                subject = _to_ox(s)
                if subject not in self._fact_subjects:
                    yield ox.Quad(subject, _to_ox(p), _to_ox(o), graph)  # type: ignore[arg-type]
        else:
            for quad in case:
                if quad.subject not in self._fact_subjects:
                    yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)

    def _report(self, compiled: _Compiled, rows: Iterable[ox.QuerySolution]) -> CaseReport:
        seen = set()
        results = []
        for row in rows:
            shape = _text(row["shape"]) or ""
            rule = compiled.rules.get(shape)
            value = row["value"]
            path = _text(row["path"]) or (
                rule.path
                if rule
                and rule.path
                and row["path"] is None
                and compiled.property_shapes.__contains__(shape)
                else None
            )
            key = (shape, _text(row["this"]), path, _text(value))
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
        results.sort(key=lambda r: (r.focus_node, r.rule_id, r.value or ""))
        return CaseReport(compiled.framework, not results, tuple(results), _EMPTY)


def validate_bytes(
    fast: FastValidator, data: bytes, input_format: str, framework: str, *, source: str = "body"
) -> CaseReport:
    """Parse untrusted bytes and validate them on the fast path.

    Turtle and N-Triples are parsed by Oxigraph (no network, line and column on errors);
    JSON-LD and RDF/XML go through :func:`parse_case` and its refusals.

    Raises:
        RdfSyntaxError, PayloadTooLarge, UnsupportedMediaType: bad input.
        UnsupportedShape: the framework's shapes do not compile (use pyshacl).
    """
    from oos_kg.validation._parse import parse_case

    if input_format in ("turtle", "ntriples"):
        return fast.validate(parse_turtle_fast(data, source=source), framework)
    return fast.validate(parse_case(data, input_format, source=source), framework)
