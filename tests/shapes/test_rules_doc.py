"""docs/rules.md and the case shapes say the same: every shape is documented with its severity
and clause(s), every documented rule has a shape and a violating example that makes exactly
that shape fire, and a hedged (Warning) rule says why.

Examples are found as tests/validation finds them (``case_support.expected_of``); one judged
at a stated time (a ``# as-of:`` line) is run by tests/validation, which passes that time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from oos_kg.namespaces import OOS, OOSD, OOSSH
from oos_kg.validation import FRAMEWORKS, CaseValidator, load_shapes, parse_case
from tests.validation.case_support import EXAMPLE_FILES, expected_of

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"
AS_OF = re.compile(r"^# as-of: \S+$", re.MULTILINE)
ROW = re.compile(r"^\| `(?P<rule>[A-Z]+-\d{2}-[a-z0-9-]+)` \|(?P<rest>.*)\|\s*$")
SECTION = re.compile(r"^## .*\(`(?P<code>[a-z-]+)`")


@dataclass(frozen=True)
class Documented:
    rule: str
    section: str
    words: str
    clauses: frozenset[tuple[str, str]]
    severity: str
    why: str


def _clauses(cell: str) -> frozenset[tuple[str, str]]:
    """``default `c`; eu `d``` -> {("default", c), ("eu", d)}; a bare `c` -> {("", c)}."""
    found = re.findall(r"(?:(default|[a-z-]+) )?`([a-z0-9-]+)`", cell)
    return frozenset((framework or "", clause) for framework, clause in found)


def documented() -> dict[str, Documented]:
    rules: dict[str, Documented] = {}
    section = "common"
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = SECTION.match(line)
        if heading:
            section = heading.group("code")
        row = ROW.match(line)
        if not row:
            continue
        cells = [c.strip() for c in row.group("rest").split(" | ")]
        assert len(cells) == 4, line
        words, clause_cell, severity, why = cells
        assert row.group("rule") not in rules, f"{row.group('rule')} documented twice"
        rules[row.group("rule")] = Documented(
            row.group("rule"), section, words, _clauses(clause_cell), severity, why
        )
    return rules


def shapes() -> dict[str, tuple[str, Graph]]:
    """Every case shape by rule id, with the framework code whose file holds it."""
    found: dict[str, tuple[str, Graph]] = {}
    common = set(load_shapes("eu").subjects(SH.severity, None)) & set(
        load_shapes("us").subjects(SH.severity, None)
    )
    for code in FRAMEWORKS:
        graph = load_shapes(code)
        for shape in graph.subjects(SH.severity, None):
            if isinstance(shape, URIRef) and str(shape).startswith(str(OOSSH)):
                rule = str(shape)[len(str(OOSSH)) :]
                found[rule] = ("common" if shape in common else code, graph)
    return found


def _local(node: object) -> str:
    assert isinstance(node, URIRef) and str(node).startswith(str(OOSD)), node
    return str(node)[len(str(OOSD)) :]


def shape_clauses(graph: Graph, shape: URIRef) -> frozenset[tuple[str, str]]:
    entries = set()
    under = list(graph.objects(shape, OOS.enforcesUnder))
    for entry in under:
        assert isinstance(entry, BNode)
        code, clause = graph.value(entry, OOS.caseFramework), graph.value(entry, OOS.enforces)
        assert isinstance(code, Literal), shape
        entries.add((str(code), _local(clause)))
    default = _local(graph.value(shape, OOS.enforces))
    entries.add(("default" if under else "", default))
    return frozenset(entries)


DOCUMENTED = documented()
SHAPES = shapes()


def test_the_document_lists_rules() -> None:
    assert len(DOCUMENTED) > 40, f"only {len(DOCUMENTED)} rules parsed from {DOC}"


def test_every_shape_is_documented_and_every_documented_rule_has_a_shape() -> None:
    assert set(SHAPES) - set(DOCUMENTED) == set(), "shapes missing from docs/rules.md"
    assert set(DOCUMENTED) - set(SHAPES) == set(), "documented rules with no shape"


@pytest.mark.parametrize("rule", sorted(SHAPES))
def test_documented_section_severity_and_clauses_match_the_shape(rule: str) -> None:
    code, graph = SHAPES[rule]
    doc = DOCUMENTED[rule]
    shape = OOSSH[rule]
    assert doc.section == code, f"{rule} documented under {doc.section}, shape is in {code}"
    severity = graph.value(shape, SH.severity)
    assert doc.severity == str(severity).rsplit("#", 1)[-1], rule
    assert doc.clauses == shape_clauses(graph, shape), rule
    assert doc.words.startswith(('"', "as ")), f"{rule}: quote the paper's words"
    if doc.severity != "Violation":
        assert len(doc.why) > 20, f"{rule}: a hedged rule says why it is {doc.severity}"


def test_common_rules_name_a_clause_for_every_framework() -> None:
    for rule, (code, graph) in SHAPES.items():
        if code == "common":
            named = {fw for fw, _ in shape_clauses(graph, OOSSH[rule]) if fw != "default"}
            assert named == set(FRAMEWORKS), rule


def test_no_shape_cites_a_provision_not_specified() -> None:
    for rule, (_, graph) in SHAPES.items():
        for _, clause in shape_clauses(graph, OOSSH[rule]):
            assert not clause.endswith("-unspecified"), (rule, clause)


@pytest.fixture(scope="module")
def validator() -> CaseValidator:
    return CaseValidator.from_files(ROOT)


def examples_by_rule() -> dict[str, list[tuple[Path, str]]]:
    found: dict[str, list[tuple[Path, str]]] = {}
    for path in EXAMPLE_FILES:
        framework, rules = expected_of(path)
        for rule in rules:
            found.setdefault(rule, []).append((path, framework))
    return found


EXAMPLES_BY_RULE = examples_by_rule()


@pytest.mark.parametrize("rule", sorted(DOCUMENTED))
def test_documented_rule_has_an_example_firing_exactly_its_shape(
    rule: str, validator: CaseValidator
) -> None:
    examples = EXAMPLES_BY_RULE.get(rule, [])
    assert examples, f"no example breaks {rule}"
    for path, framework in examples:
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0].split(" only: ")[0].endswith(rule.removesuffix("-pending"))
        if AS_OF.search(text):
            continue  # judged at its stated time by tests/validation
        report = validator.validate(parse_case(text.encode(), "turtle"), framework)
        assert {r.shape for r in report.results} == {str(OOSSH[rule])}, path.name
