"""``oos-kg check``: parse, validate against shapes/kg.ttl, reason, count what the graph holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Store
from pyoxigraph import Quad as OxQuad
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH

from oos_kg.errors import InconsistentGraph
from oos_kg.namespaces import GRAPH

__all__ = [
    "COUNT_KEYS",
    "CheckReport",
    "ShapeProblem",
    "count_facts",
    "missing_translations",
    "validate_kg",
]

_QUERIES = Path(__file__).resolve().parent / "queries"

COUNT_KEYS = (
    "products",
    "autologous products",
    "products with OOS provision through clinical trials",
    "withdrawn approvals",
    "OOS clinical trials (registry records)",
    "Japanese registry IDs",
    "US expanded access programs",
    "NCT IDs",
    "legal instruments",
    "clauses",
    "obligations",
    "evidence studies",
    "outcome measurements",
)
"""The rows of the summary, in the order printed."""


@dataclass(frozen=True, slots=True)
class ShapeProblem:
    """One SHACL result: which shape, which node, what is wrong."""

    severity: str
    shape: str
    focus: str
    path: str | None
    message: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"[{self.severity}] {self.focus}{where}: {self.message} ({self.shape})"


@dataclass(slots=True)
class CheckReport:
    """What ``oos-kg check`` found."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[ShapeProblem] = field(default_factory=list)
    reasoner_error: str | None = None
    missing_ja: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the graph conforms to its shapes and HermiT finds it consistent."""
        return not self.problems and self.reasoner_error is None


def _node_text(node: object) -> str:
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _shape_name(shapes: Graph, shape: object) -> str:
    """Name a shape by IRI; an anonymous property shape by its node shape's IRI."""
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if isinstance(parent, URIRef):
            return str(parent)
    return _node_text(shape)


def validate_kg(data: Graph, shapes: Graph) -> list[ShapeProblem]:
    """Validate the knowledge graph against its data-quality shapes with pyshacl.

    Args:
        data: ontology + sources + products + regulations (the ontology supplies subclass links).
        shapes: ``shapes/kg.ttl``.

    Returns:
        Every validation result, empty when the graph conforms.

    Raises:
        Nothing of its own; pyshacl errors on malformed shapes propagate.
    """
    from pyshacl import validate

    _, report, _ = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        js=False,
        do_owl_imports=False,
        allow_warnings=True,
    )
    if not isinstance(report, Graph):  # pyshacl returns a ValidationFailure for broken shapes
        raise ValueError(f"the shapes could not run: {report}")
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = list(report.objects(result, SH.resultMessage))
        english = [m for m in messages if isinstance(m, RdfLiteral) and m.language in (None, "en")]
        path = report.value(result, SH.resultPath)
        problems.append(
            ShapeProblem(
                severity=_node_text(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
                focus=_node_text(report.value(result, SH.focusNode)),
                path=_node_text(path) if path is not None else None,
                message=str((english or messages or ["(no message)"])[0]),
            )
        )
    return sorted(problems, key=lambda p: (p.shape, p.focus, p.message))


def _to_store(graphs: dict[str, Graph]) -> Store:
    from oos_kg.store._convert import to_oxigraph_term

    store = Store()
    quads = []
    for name, graph in graphs.items():
        g = NamedNode(str(GRAPH[name]))
        for s, p, o in graph:
            quads.append(
                OxQuad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), g)  # type: ignore[arg-type]
            )
    store.extend(quads)
    return store


def count_facts(graphs: dict[str, Graph]) -> dict[str, int]:
    """Count products, trials, programs, clauses, ... with ``queries/summary-counts.rq``.

    Raises:
        Nothing of its own.
    """
    store = _to_store(graphs)
    query = (_QUERIES / "summary-counts.rq").read_text(encoding="utf-8")
    counts = dict.fromkeys(COUNT_KEYS, 0)
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        key, n = row["key"], row["n"]
        assert isinstance(key, Literal) and isinstance(n, Literal)
        counts[key.value] = int(n.value)
    return counts


def missing_translations(graphs: dict[str, Graph]) -> list[str]:
    """Return the labelled data resources that have an English label but no Japanese one.

    These are reported, never filled by guessing (house style, A4).

    Raises:
        Nothing.
    """
    from rdflib.namespace import RDFS

    missing = set()
    for name in ("products", "regulations"):
        graph = graphs.get(name, Graph())
        for subject in set(graph.subjects(RDFS.label)):
            labels = graph.objects(subject, RDFS.label)
            langs = {o.language for o in labels if isinstance(o, RdfLiteral)}
            if "en" in langs and "ja" not in langs:
                missing.add(str(subject))
    return sorted(missing)


def run_check(graphs: dict[str, Graph], *, reason: bool = True) -> CheckReport:
    """Validate, reason over and count an already parsed set of named graphs.

    Raises:
        Nothing: failures are recorded in the report.
    """
    from oos_kg.reasoning import check_consistency

    data = Graph()
    for name in ("ontology", "products", "regulations"):
        data += graphs.get(name, Graph())
    report = CheckReport()
    report.problems = validate_kg(data, graphs.get("shapes", Graph()))
    if reason:
        facts = Graph()
        for name in ("products", "regulations"):
            facts += graphs.get(name, Graph())
        try:
            check_consistency(graphs["ontology"], facts)
        except InconsistentGraph as exc:
            report.reasoner_error = exc.message
    report.counts = count_facts(graphs)
    report.missing_ja = missing_translations(graphs)
    return report
