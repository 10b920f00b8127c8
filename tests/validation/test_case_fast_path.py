"""The fast path (shapes compiled to SPARQL on Oxigraph) gives exactly pyshacl's results: on
every example and on 1,000 generated cases, one case at a time (as ``POST /validate`` runs it)
and in batches (as ``oos-kg validate`` runs many files: checks run once per chunk of cases),
through the same parsing each path uses."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from case_support import EXAMPLE_FILES, EXAMPLES, expected_of
from rdflib import Graph

from oos_kg.errors import InputError
from oos_kg.validation import (
    FRAMEWORKS,
    CaseReport,
    CaseValidator,
    FastValidator,
    UnsupportedShape,
    parse_case,
    parse_untrusted,
    validate_bytes,
)
from oos_kg.validation._anchor import is_anchored
from oos_kg.validation._fast import compile_framework
from oos_kg.validation._generate import generate_cases

IDS = [str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES]


def results_of(report: CaseReport) -> tuple[bool, list[tuple[str, str, str, str, str]]]:
    return report.conforms, sorted(
        (r.shape, r.focus_node, r.path or "", (r.value or "").replace("+00:00", "Z"), r.severity)
        for r in report.results
    )


@pytest.fixture(scope="module")
def fast(validator: CaseValidator) -> FastValidator:
    return FastValidator(validator.facts)


@pytest.mark.parametrize("code", list(FRAMEWORKS))
def test_every_framework_compiles(code: str) -> None:
    compiled = compile_framework(code)
    assert compiled.rules and all(shape in compiled.query for shape in compiled.rules)
    for word in ("SERVICE", "LOAD", "FROM "):
        assert word not in compiled.query


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=IDS)
def test_fast_path_matches_pyshacl_on_examples(
    path: Path, validator: CaseValidator, fast: FastValidator
) -> None:
    framework, _ = expected_of(path)
    data = path.read_bytes()
    slow = validator.validate(parse_case(data, "turtle"), framework)
    assert results_of(validate_bytes(fast, data, "turtle", framework)) == results_of(slow)
    assert results_of(fast.validate(parse_case(data, "turtle"), framework)) == results_of(slow)


def test_fast_path_matches_pyshacl_on_1000_generated_cases_one_by_one_and_in_batches(
    validator: CaseValidator, fast: FastValidator
) -> None:
    cases = list(generate_cases(1000, seed=20251126))
    assert {c.framework for c in cases} == set(FRAMEWORKS)
    assert 300 < sum(c.expected_rule is None for c in cases) < 700
    batches: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for path in EXAMPLE_FILES * 2:  # copies of the same IRIs meet: chunks must keep them apart
        batches[expected_of(path)[0]].append((str(path), path.read_bytes()))
    for case in cases:
        batches[case.framework].append((case.name, case.turtle.encode()))
    expected = {case.name: case.expected_rule for case in cases}
    differing = []
    for framework, items in batches.items():
        parsed = [parse_untrusted(d, "turtle", fresh_blank_nodes=True) for _, d in items]
        batch = fast.validate_many(parsed, framework, fresh_blank_nodes=True)
        assert len(batch) == len(items)
        for (name, data), in_batch in zip(items, batch, strict=True):
            assert isinstance(in_batch, CaseReport), name
            slow = results_of(validator.validate(parse_case(data, "turtle"), framework))
            alone = results_of(validate_bytes(fast, data, "turtle", framework))
            if not slow == alone == results_of(in_batch):
                differing.append((name, slow, alone, results_of(in_batch)))
            if name in expected:
                assert {r[0].rsplit("/", 1)[-1] for r in slow[1]} == (
                    {expected[name]} if expected[name] else set()
                ), name
    assert differing == []


def _renamed(text: str, prefix: str) -> str:
    """The same case under other IRIs (its ``case:`` prefix points elsewhere)."""
    start = text.index("@prefix case: <") + len("@prefix case: <")
    end = text.index(">", start)
    return text[:start] + f"https://example.org/oos-cases/{prefix}/" + text[end:]


def _verdicts(fast: FastValidator, texts: list[str], framework: str) -> list[set[str]]:
    parsed = [parse_untrusted(t.encode(), "turtle") for t in texts]
    outcomes = fast.validate_many(parsed, framework)
    return [o.fired() if isinstance(o, CaseReport) else {type(o).__name__} for o in outcomes]


def test_batch_keeps_a_case_apart_from_another_cases_notification(fast: FastValidator) -> None:
    """JPP-02 looks up the MAH's notifications by product, not from the case node: another
    case's notification for the same product must not excuse this case's failed item."""
    case_query = compile_framework("jp-proposed").case_query
    assert case_query and "JPP-02-failed-item-notified" in case_query  # run case by case
    violating = (EXAMPLES / "jp-proposed" / "violates-JPP-02-failed-item-notified.ttl").read_text()
    notified = _renamed(violating, "other").replace(
        "    oos:providableTestKind oos:test-kind-cell-count ;\n",
        "    oos:providableTestKind oos:test-kind-cell-count ;\n"
        "    oos:providableTestKind oos:test-kind-viability ;\n",
    )
    assert notified != violating
    assert _verdicts(fast, [violating, notified], "jp-proposed") == [
        {"JPP-02-failed-item-notified"},
        set(),
    ]
    assert _verdicts(fast, [notified, violating], "jp-proposed") == [
        set(),
        {"JPP-02-failed-item-notified"},
    ]


def test_batch_keeps_cases_with_the_same_iris_or_blank_node_labels_apart(
    fast: FastValidator,
) -> None:
    ok = (EXAMPLES / "eu" / "conforms.ttl").read_text()
    late = (EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl").read_text()
    same_iris = _renamed(late, "shared"), _renamed(ok, "shared")
    blank = [t.replace("case:case\n", "_:case\n") for t in (_renamed(ok, "a"), _renamed(late, "b"))]
    assert "_:case" in blank[0] and "_:case" in blank[1]
    texts = [*same_iris, *blank, ok, late, ok]
    assert _verdicts(fast, texts, "eu") == [
        {"EU-03-report-within-48h"},
        set(),
        set(),
        {"EU-03-report-within-48h"},
        set(),
        {"EU-03-report-within-48h"},
        set(),
    ]


def test_batch_passes_errors_through_and_refuses_a_graph_without_a_case(
    fast: FastValidator,
) -> None:
    ok = parse_untrusted((EXAMPLES / "eu" / "conforms.ttl").read_bytes(), "turtle")
    empty = parse_untrusted(b"<urn:a> <urn:b> <urn:c> .", "turtle")
    error = InputError("bad")
    outcomes = fast.validate_many([ok, error, empty, ok], "eu")
    assert isinstance(outcomes[0], CaseReport) and outcomes[0].conforms
    assert outcomes[1] is error
    assert isinstance(outcomes[2], InputError) and "OosProvisionCase" in str(outcomes[2])
    assert isinstance(outcomes[3], CaseReport) and outcomes[3].conforms


@pytest.mark.parametrize("code", list(FRAMEWORKS))
def test_property_shape_checks_are_anchored_on_their_focus_node(code: str) -> None:
    """The compiler runs property-shape checks per chunk without analysing them."""
    compiled = compile_framework(code)
    prefixes, rest = compiled.query.split("\nSELECT ?shape ?this ?path ?value WHERE {\n", 1)
    branches = rest.rsplit("\n}", 1)[0].split("\nUNION\n")
    for branch in branches:
        shape = branch.split("(<", 1)[1].split(">", 1)[0]
        if shape in compiled.property_shapes:
            assert is_anchored(prefixes, branch), branch
        in_chunk = compiled.chunk_query is not None and branch in compiled.chunk_query
        in_case = compiled.case_query is not None and branch in compiled.case_query
        assert in_chunk != in_case, branch


_FOCUS = "?this <urn:t> <urn:C> . "


@pytest.mark.parametrize(
    ("body", "anchored"),
    [
        ("?this <urn:p> ?x . ?x <urn:q> ?y .", True),
        ("?x <urn:q> ?y . ?this <urn:p> ?x .", True),
        ("?r <urn:p> ?this . ?r <urn:q> ?y .", True),
        ("?this ^<urn:p> ?r .", True),
        ("?this <urn:p>/<urn:q>* ?x . FILTER NOT EXISTS { ?x <urn:r> ?y }", True),
        ("{ ?this <urn:p> ?x } UNION { ?this <urn:q> ?x } ?x <urn:r> ?y .", True),
        ("{ SELECT ?this WHERE { ?this <urn:p> ?v } GROUP BY ?this HAVING (COUNT(?v) > 1) }", True),
        ("?this <urn:p> ?product . FILTER NOT EXISTS { ?n <urn:about> ?product }", False),
        ("?this <urn:p> ?x . ?y <urn:q> ?x .", False),
        ("<urn:k> <urn:p> ?x .", False),
        ("{ ?this <urn:p> ?x } UNION { ?this <urn:q> ?z } ?x <urn:r> ?y .", False),
        ("OPTIONAL { ?this <urn:p> ?x } ?x <urn:r> ?y .", False),
        ("{ SELECT (COUNT(?c) AS ?n) WHERE { ?c <urn:t> <urn:C> } }", False),
        ("GRAPH ?g { ?this <urn:p> ?x }", False),
        ("?this <urn:p>/^<urn:p> ?other .", False),
        ("?this <urn:p> ?x . FILTER EXISTS { ?x ^<urn:q> ?y . ?y <urn:r> ?z }", False),
        ("not sparql {", False),
    ],
)
def test_anchoring_analysis(body: str, anchored: bool) -> None:
    branch = f"{{ SELECT ?this WHERE {{ {_FOCUS}{body} }} }}"
    assert is_anchored("", branch) is anchored


def test_fast_path_also_reads_jsonld_and_rdfxml(fast: FastValidator) -> None:
    path = EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl"
    graph = Graph().parse(path)
    for fmt, name in (("json-ld", "jsonld"), ("xml", "rdfxml")):
        report = validate_bytes(fast, graph.serialize(format=fmt, encoding="utf-8"), name, "eu")
        assert report.fired() == {"EU-03-report-within-48h"}


def test_compiler_refuses_shacl_it_does_not_translate(tmp_path: Path) -> None:
    cases = tmp_path / "shapes" / "cases"
    cases.mkdir(parents=True)
    for name in ("common.ttl", "eu-exceptional-release.ttl"):
        text = (EXAMPLES.parent.parent / "shapes" / "cases" / name).read_text()
        if name == "common.ttl":
            text = text.replace("    sh:nodeKind sh:IRI ;", '    sh:pattern "^x" ;', 1)
        (cases / name).write_text(text)
    with pytest.raises(UnsupportedShape):
        compile_framework("eu", tmp_path)


def test_batch_keeps_jsonld_cases_with_the_same_blank_node_labels_apart(
    fast: FastValidator,
) -> None:
    """rdflib keeps a JSON-LD label such as ``_:b0`` as written, in every file."""
    texts = []
    for name, prefix in (("conforms.ttl", "a"), ("violates-EU-03-report-within-48h.ttl", "b")):
        turtle = _renamed((EXAMPLES / "eu" / name).read_text(), prefix)
        graph = Graph().parse(data=turtle.replace("case:case\n", "_:case\n"), format="turtle")
        (case_node,) = {s for s in graph.subjects() if s.n3().startswith("_:")}
        text = graph.serialize(format="json-ld")
        texts.append(text.replace(f'"_:{case_node}"', '"_:b0"'))
    assert all('"_:b0"' in text for text in texts)
    parsed = [parse_untrusted(t.encode(), "jsonld", fresh_blank_nodes=True) for t in texts]
    outcomes = fast.validate_many(parsed, "eu", fresh_blank_nodes=True)
    assert [o.fired() for o in outcomes if isinstance(o, CaseReport)] == [
        set(),
        {"EU-03-report-within-48h"},
    ]


def test_batch_validates_large_cases_and_cases_about_kg_nodes_alone_with_the_same_verdicts(
    validator: CaseValidator, fast: FastValidator
) -> None:
    ok = (EXAMPLES / "eu" / "conforms.ttl").read_text()
    late = (EXAMPLES / "eu" / "violates-EU-03-report-within-48h.ttl").read_text()
    extra = "".join(f'case:note-{i} <urn:x:note> "{i}" .\n' for i in range(1200))
    big = _renamed(late, "big") + extra
    about_kg = _renamed(ok, "kg") + "oos:origin-autologous <urn:x:note> case:case .\n"
    texts = [big, about_kg, ok, late]
    parsed = [parse_untrusted(t.encode(), "turtle") for t in texts]
    batch = fast.validate_many(parsed, "eu")
    for text, in_batch in zip(texts, batch, strict=True):
        assert isinstance(in_batch, CaseReport)
        slow = validator.validate(parse_case(text.encode(), "turtle"), "eu")
        assert results_of(in_batch) == results_of(slow)
    assert [r.fired() for r in batch if isinstance(r, CaseReport)] == [
        {"EU-03-report-within-48h"},
        set(),
        set(),
        {"EU-03-report-within-48h"},
    ]
