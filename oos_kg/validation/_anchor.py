"""Which compiled checks stay within one case when many cases share a store.

The batch path of :class:`~oos_kg.validation._fast.FastValidator` loads a chunk of cases into
one graph and runs each check once per chunk. That gives each case exactly its own verdicts
only when a check, evaluated for a focus node of case A, can match no triple of another case
B. The chunker keeps apart cases that share a node one of them owns (a subject, or a focus
node of a ``sh:targetObjectsOf`` target): then every triple reached *forward* from A's focus
node, and every triple pointing *at* it, belongs to A or to the shared KG facts. A check is
**anchored** when each of its triple patterns is reached that way: its subject is the focus
node ``?this`` or a variable bound by an anchored pattern's object (or an inverse path of one
predicate from ``?this``). A pattern with a free subject (``?n oos:notifiedProduct ?product``
matches notifications of every case in the chunk), a reverse step from anything but
``?this``, a sub-select aggregating beyond its focus, ``GRAPH``, ``SERVICE`` or anything this
module does not know make the check unanchored: such checks run case by case.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
from rdflib.plugins.sparql.parserutils import CompValue

__all__ = ["is_anchored"]

THIS = Variable("this")
_Vars = frozenset[object]


class _Unanchored(Exception):
    """Raised inside the analysis when a pattern could reach another case's triples."""


@lru_cache(maxsize=1024)
def is_anchored(prefixes: str, branch: str) -> bool:
    """Return whether a compiled branch (a ``{ SELECT ... WHERE { ... } }`` group binding the
    focus node as ``?this``) only reaches its focus node's own case and the KG facts.

    Anything the analysis cannot read counts as unanchored (the safe answer).

    Raises:
        Nothing.
    """
    try:
        query = prepareQuery(f"{prefixes}\nSELECT * WHERE {{ {branch} }}")
    except Exception:  # a text rdflib cannot parse: treat as unanchored
        return False
    try:
        _pattern(query.algebra["p"], frozenset({THIS}))
    except _Unanchored:
        return False
    return True


def _forward(path: object) -> bool:
    """A path that only walks subject to object (``*``, ``+`` and ``?`` included)."""
    if isinstance(path, URIRef | Variable):
        return True
    if isinstance(path, SequencePath | AlternativePath):
        return all(_forward(arg) for arg in path.args)
    if isinstance(path, MulPath):
        return _forward(path.path)
    return False


def _bgp(triples: Iterable[tuple[object, object, object]], anchored: _Vars) -> _Vars:
    pending = list(triples)
    bound = set(anchored)
    progress = True
    while pending and progress:
        progress = False
        for triple in list(pending):
            subject, predicate, obj = triple
            new: object | None = None
            if _forward(predicate) and subject in bound:
                new = obj
            elif isinstance(predicate, URIRef | Variable) and obj == THIS:
                new = subject  # one step back from the focus node: still its case
            elif (
                isinstance(predicate, InvPath)
                and subject == THIS
                and isinstance(predicate.arg, URIRef)
            ):
                new = obj  # the same step written as an inverse path
            elif isinstance(predicate, InvPath) and _forward(predicate.arg) and obj in bound:
                new = subject
            else:
                continue
            pending.remove(triple)
            progress = True
            if isinstance(new, Variable):
                bound.add(new)
            if isinstance(predicate, Variable):
                bound.add(predicate)
    if pending:
        raise _Unanchored(f"free patterns {pending}")
    return frozenset(bound)


def _expression(expr: object, anchored: _Vars) -> None:
    """Check the graph patterns of every (NOT) EXISTS inside ``expr``."""
    if isinstance(expr, CompValue):
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            graph = expr.graph
            if isinstance(graph, CompValue) and graph.name == "GroupGraphPatternSub":
                graph = translateGroupGraphPattern(graph)
            _pattern(graph, anchored)
            return
        for value in expr.values():
            _expression(value, anchored)
    elif isinstance(expr, list | tuple):
        for value in expr:
            _expression(value, anchored)


def _tolerant(node: object, anchored: _Vars) -> _Vars:
    """:func:`_pattern`, but an unanchored part binds nothing instead of failing."""
    try:
        return _pattern(node, anchored)
    except _Unanchored:
        return anchored


def _pattern(node: object, anchored: _Vars) -> _Vars:
    """Return the variables bound to nodes of the focus node's case after ``node``.

    Raises:
        _Unanchored: when a part could reach another case's triples.
    """
    if not isinstance(node, CompValue):
        raise _Unanchored(f"unknown part {node!r}")
    name = node.name
    if name == "BGP":
        return _bgp(node.triples or [], anchored)
    if name == "Join":
        bound = anchored
        while True:  # either side may bind what the other needs
            grown = bound | _tolerant(node.p1, bound)
            grown |= _tolerant(node.p2, grown)
            if grown == bound:
                break
            bound = grown
        return _pattern(node.p1, bound) | _pattern(node.p2, bound)
    if name == "LeftJoin":
        left = _pattern(node.p1, anchored)
        right = _pattern(node.p2, left)
        _expression(node.expr, right)
        return left
    if name == "Minus":
        left = _pattern(node.p1, anchored)
        _pattern(node.p2, left)
        return left
    if name == "Union":
        return _pattern(node.p1, anchored) & _pattern(node.p2, anchored)
    if name == "Filter":
        bound = _pattern(node.p, anchored)
        _expression(node.expr, bound)
        return bound
    if name == "Extend":
        bound = _pattern(node.p, anchored)
        _expression(node.expr, bound)
        carried = isinstance(node.expr, Variable) and node.expr in bound
        return bound | {node.var} if carried else bound
    if name == "ToMultiSet":
        return _pattern(node.p, anchored)
    if name in ("Project", "Distinct", "Reduced", "OrderBy"):
        inner = anchored & set(node.get("PV") or []) if name == "Project" else anchored
        bound = _pattern(node.p, frozenset(inner) if name == "Project" else anchored)
        return bound & set(node.PV) if name == "Project" else bound
    if name == "AggregateJoin":
        group = node.p
        if not isinstance(group, CompValue) or group.name != "Group" or not group.expr:
            raise _Unanchored("aggregate over the whole graph")
        if not any(isinstance(key, Variable) and key in anchored for key in group.expr):
            raise _Unanchored("aggregate not grouped by a node of the case")
        return _pattern(group.p, anchored)
    raise _Unanchored(f"{name} is not analysed")
