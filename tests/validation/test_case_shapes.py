"""The case shapes themselves: stable ids, messages in two languages, severities, clauses that
exist in the graph, and no rule that can be switched off or on from inside a case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from case_support import EXAMPLES, ROOT
from pyoxigraph import Store
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from oos_kg.namespaces import OOS
from oos_kg.validation import FRAMEWORKS, CaseValidator, load_shapes, parse_case, rules_of

SHAPE_FILES = sorted((ROOT / "shapes" / "cases").glob("*.ttl"))
RULE_ID = re.compile(r"^(COM|US|EU|PICS|JP|JPP)-\d{2}-[a-z0-9]+(-[a-z0-9]+)*$")


def all_rules() -> dict[str, object]:
    return {shape: rule for code in FRAMEWORKS for shape, rule in rules_of(code).items()}


def test_one_shape_file_per_framework_plus_common() -> None:
    assert {p.name for p in SHAPE_FILES} == {
        name for f in FRAMEWORKS.values() for name in f.shape_files
    }


@pytest.mark.parametrize("path", SHAPE_FILES, ids=[p.name for p in SHAPE_FILES])
def test_shape_file_parses_the_same_in_rdflib_and_pyoxigraph(path: Path) -> None:
    store = Store()
    store.load(path=str(path), format=__import__("pyoxigraph").RdfFormat.TURTLE)
    assert len(store) == len(Graph().parse(path, format="turtle"))


@pytest.mark.parametrize("code", list(FRAMEWORKS))
def test_every_rule_is_complete(code: str) -> None:
    graph = load_shapes(code)
    rules = rules_of(code)
    assert rules
    for shape, rule in rules.items():
        assert RULE_ID.match(rule.rule_id), shape
        assert set(rule.names) == {"en", "ja"}, shape
        assert set(rule.messages) == {"en", "ja"}, shape
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", rule.messages["ja"]), shape
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", rule.messages["en"]), shape
        assert graph.value(URIRef(shape), SH.severity) in (SH.Violation, SH.Warning, SH.Info)
        assert rule.clause, f"{shape} enforces no clause"
        assert len(list(graph.objects(URIRef(shape), OOS.enforces))) == 1, shape


@pytest.mark.parametrize("code", list(FRAMEWORKS))
def test_a_pending_shape_has_its_overdue_twin(code: str) -> None:
    """A deadline obligation: ``<rule>-pending`` (Info) and ``<rule>`` (Violation) check the
    same obligations and read the time of judgement."""
    rules = {rule.rule_id: rule for rule in rules_of(code).values()}
    graph = load_shapes(code)
    pending = [rule for rule in rules.values() if rule.severity == "Info" and rule.obligations]
    for rule in pending:
        twin = rules[rule.rule_id.removesuffix("-pending")]
        assert rule.rule_id.endswith("-pending") and twin.severity == "Violation"
        assert twin.obligations == rule.obligations
        for shape in (rule.shape, twin.shape):
            selects = [
                str(graph.value(c, SH.select)) for c in graph.objects(URIRef(shape), SH.sparql)
            ]
            assert any("oos:asOf ?asOf" in select for select in selects), shape
    if code == "eu":
        assert sorted(rule.rule_id for rule in pending) == [
            "EU-03-report-within-48h-pending",
            "EU-08-provision-reported-within-48h-pending",
        ]


def test_the_obligations_judged_against_a_due_time_are_those_with_a_deadline(kg: Store) -> None:
    """An obligation has a pending twin exactly when the graph gives it a deadline: no shape
    makes up a due time, and no deadline of the paper goes unchecked by a shape."""
    with_deadline = {
        str(row["o"].value)
        for row in kg.query(
            "SELECT ?o WHERE { ?o <https://w3id.org/oos-kg/ontology#deadline> ?d }",
            use_default_graph_as_union=True,
        )
    }
    judged = {
        iri
        for code in FRAMEWORKS
        for rule in rules_of(code).values()
        if rule.severity == "Info"
        for iri in rule.obligations
    }
    assert with_deadline and judged == with_deadline


def test_every_enforced_clause_is_a_clause_of_the_graph(kg: Store) -> None:
    clauses = {
        str(row["c"].value)
        for row in kg.query(
            "SELECT ?c WHERE { ?c a <https://w3id.org/oos-kg/ontology#Clause> }",
            use_default_graph_as_union=True,
        )
    }
    missing = {
        rule.rule_id: rule.clause for rule in all_rules().values() if rule.clause not in clauses
    }  # type: ignore[attr-defined]
    assert missing == {}


def test_order_in_time_rules_are_sparql_constraints() -> None:
    for code in FRAMEWORKS:
        graph = load_shapes(code)
        for shape, rule in rules_of(code).items():
            if re.search(r"before|after|within", rule.rule_id):
                assert graph.value(URIRef(shape), SH.sparql) is not None, shape


def test_sparql_constraints_refuse_nothing_they_should_not_use() -> None:
    for code in FRAMEWORKS:
        graph = load_shapes(code)
        for select in graph.objects(None, SH.select):
            text = str(select).upper()
            for word in ("SERVICE", "VALUES", "LOAD", "FROM "):
                assert word not in text, (code, word)


HOSTILE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix oos: <https://w3id.org/oos-kg/ontology#> .
@prefix oosd: <https://w3id.org/oos-kg/id/> .
<urn:hostile-shape> a sh:NodeShape ;
    sh:targetClass oos:OosProvisionCase ;
    sh:property [ sh:path oos:seriousCondition ; sh:maxCount 0 ] ;
    sh:sparql [
        sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    ] ;
    sh:rule [ a sh:SPARQLRule ; sh:construct "CONSTRUCT { $this a <urn:x> } WHERE { }" ] .
oosd:product-temcel-hs oos:origin oos:origin-autologous .
"""


def test_shapes_and_rules_inside_a_case_never_run(validator: CaseValidator) -> None:
    case = (EXAMPLES / "jp-proposed" / "conforms.ttl").read_text() + HOSTILE
    report = validator.validate(parse_case(case.encode(), "turtle"), "jp-proposed")
    assert report.conforms, [r.rule_id for r in report.results]


def test_a_case_cannot_restate_kg_facts(validator: CaseValidator) -> None:
    case = (EXAMPLES / "jp-proposed" / "violates-JPP-01-autologous-product.ttl").read_text()
    forged = case + HOSTILE
    report = validator.validate(parse_case(forged.encode(), "turtle"), "jp-proposed")
    assert report.fired() == {"JPP-01-autologous-product"}


def test_facts_from_the_store_equal_facts_from_the_files(root: Path) -> None:
    import pyoxigraph

    from oos_kg.namespaces import GRAPH
    from oos_kg.store.memory import MemoryStore
    from oos_kg.validation import facts_from_store, load_kg_facts

    store = MemoryStore()
    graphs = {}
    for name, file in (("products", "products.ttl"), ("regulations", "regulations.ttl")):
        quads = pyoxigraph.parse(path=str(root / "data" / file), format=pyoxigraph.RdfFormat.TURTLE)
        graphs[str(GRAPH[name])] = pyoxigraph.serialize(
            quads, format=pyoxigraph.RdfFormat.N_TRIPLES
        )
    store.replace_graphs(graphs)
    from_store = facts_from_store(store)
    from_files = load_kg_facts()
    assert len(from_files.graph) > 50 and len(from_files.clauses) > 20
    assert set(from_store.graph) == set(from_files.graph)
    assert from_store.clauses == from_files.clauses


def test_no_rule_cites_a_provision_the_paper_does_not_specify(kg: Store) -> None:
    """Under every framework code, every rule (and so every finding and every obligation of
    a summary) cites a clause a reader can look up, never a 'provision not specified'
    stand-in for a whole instrument."""
    labels = {
        str(row["c"].value): str(row["l"].value)
        for row in kg.query(
            "SELECT ?c ?l WHERE { ?c a <https://w3id.org/oos-kg/ontology#Clause> ;"
            " <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (LANG(?l) = 'en') }",
            use_default_graph_as_union=True,
        )
    }
    cited = {
        (code, rule.rule_id): rule.clause_for(code)
        for code in FRAMEWORKS
        for rule in rules_of(code).values()
    }
    vague = {key: c for key, c in cited.items() if c is None or "not specified" in labels[c]}
    assert vague == {}
